import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { settleAction } from "@/lib/auth/settle-action";
import { recordIfOutsideOrganisation } from "@/lib/auth/tenancy";
import { getApplicationView } from "@/lib/credentials/get-application";
import { rotateClientSecret } from "@/lib/credentials/manage-applications";
import { apiKeys, applications, auditEvents, invitations, organisations, payments, roles, users } from "@/lib/db/schema";
import { DEMO_PEOPLE, ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { NotFoundError } from "@/lib/errors";
import { deleteKey } from "@/lib/keys/delete-key";
import { getKey } from "@/lib/keys/get-key";
import { regenerateKey } from "@/lib/keys/regenerate-key";
import { renewKey } from "@/lib/keys/renew-key";
import { changeMemberRole, handOnSuperadmin, removeMember } from "@/lib/members/change-member";
import { withdrawInvitation } from "@/lib/members/withdraw-invitation";
import { decidePayment } from "@/lib/payments/decide-payment";
import { deleteRole, updateRole } from "@/lib/roles/manage-roles";
import { actorFor, context, db } from "@/lib/test/helpers";

/**
 * Thabo (Superadmin of Nkosi Private Banking, every permission) names Acme Holdings' things. Each
 * attempt must answer exactly as a made-up id does, change nothing at Acme, and leave one `denied`
 * audit row — in Nkosi's audit, naming the target id and nothing of Acme.
 */
const THABO_PIN = DEMO_PEOPLE.find((p) => p.email === "thabo@nkosi.example")!.pin;

let thabo: Actor;
let nkosiId: string;
const acme = { keyId: "", applicationId: "", paymentId: "", invitationId: "", memberId: "", roleId: "", customRoleId: "" };

beforeAll(async () => {
  await seedDemoData(db());
  thabo = await actorFor("thabo@nkosi.example");
  nkosiId = thabo.org!.id;
  const [org] = await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, ORG_NAMES.acme));
  const [key] = await db()
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, org!.id), isNull(apiKeys.revokedAt)))
    .limit(1);
  const [app] = await db().select({ id: applications.id }).from(applications).where(eq(applications.orgId, org!.id)).limit(1);
  const [payment] = await db().select({ id: payments.id }).from(payments).where(eq(payments.orgId, org!.id)).limit(1);
  const [pieter] = await db().select({ id: users.id }).from(users).where(eq(users.email, "pieter@acme.example"));
  const acmeRoles = await db().select({ id: roles.id, builtIn: roles.builtIn }).from(roles).where(eq(roles.orgId, org!.id));
  const [invitation] = await db()
    .insert(invitations)
    .values({
      orgId: org!.id,
      email: "someone@acme.example",
      roleId: acmeRoles.find((r) => r.builtIn === "viewer")!.id,
      tokenHash: randomUUID(),
      invitedBy: pieter!.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    })
    .returning({ id: invitations.id });
  Object.assign(acme, {
    keyId: key!.id,
    applicationId: app!.id,
    paymentId: payment!.id,
    invitationId: invitation!.id,
    memberId: pieter!.id,
    roleId: acmeRoles.find((r) => r.builtIn === "viewer")!.id,
    customRoleId: acmeRoles.find((r) => r.builtIn === null)!.id,
  });
});

/** Runs a domain action the way its server action does: through the action boundary. */
function act(work: (actor: Actor) => Promise<unknown>) {
  return settleAction(
    db(),
    async () => thabo,
    {},
    work,
    async () => context,
  );
}

async function deniedRows(targetId: string, action?: string) {
  return db()
    .select({
      orgId: auditEvents.orgId,
      action: auditEvents.action,
      outcome: auditEvents.outcome,
      targetType: auditEvents.targetType,
      metadata: auditEvents.metadata,
      actorUserId: auditEvents.actorUserId,
    })
    .from(auditEvents)
    .where(and(eq(auditEvents.targetId, targetId), eq(auditEvents.outcome, "denied"), action ? eq(auditEvents.action, action) : undefined));
}

const role = { name: "Renamed", description: "", permissions: ["keys:view"] };
const CASES: [string, keyof typeof acme, string, string, (id: string) => (actor: Actor) => Promise<unknown>][] = [
  ["delete a key", "keyId", "key.delete", "api_key", (keyId) => (a) => deleteKey(db(), a, { keyId, confirmAlias: "x", pin: THABO_PIN }, context)],
  ["renew a key", "keyId", "key.renew", "api_key", (keyId) => (a) => renewKey(db(), a, { keyId, pin: THABO_PIN }, context)],
  ["regenerate a key", "keyId", "key.regenerate", "api_key", (keyId) => (a) => regenerateKey(db(), a, { keyId, pin: THABO_PIN }, context)],
  [
    "rotate a client secret",
    "applicationId",
    "credentials.rotate",
    "application",
    (applicationId) => (a) => rotateClientSecret(db(), a, { applicationId, pin: THABO_PIN }, context),
  ],
  [
    "approve a payment",
    "paymentId",
    "payment.approve",
    "payment",
    (paymentId) => (a) => decidePayment(db(), a, { paymentId, decision: "approve", pin: THABO_PIN }, context),
  ],
  [
    "withdraw an invitation",
    "invitationId",
    "member.invitation_withdraw",
    "invitation",
    (invitationId) => (a) => withdrawInvitation(db(), a, { invitationId }, context),
  ],
  [
    "change a member's role",
    "memberId",
    "member.role_change",
    "member",
    (userId) => (a) => changeMemberRole(db(), a, { userId, roleId: thabo.role!.id, pin: THABO_PIN }, context),
  ],
  ["remove a member", "memberId", "member.remove", "member", (userId) => (a) => removeMember(db(), a, { userId, pin: THABO_PIN }, context)],
  [
    "hand on the Superadmin role",
    "memberId",
    "member.superadmin_handover",
    "member",
    (userId) => (a) => handOnSuperadmin(db(), a, { userId, pin: THABO_PIN }, context),
  ],
  ["edit a role", "customRoleId", "role.update", "role", (roleId) => (a) => updateRole(db(), a, { ...role, roleId, pin: THABO_PIN }, context)],
  ["delete a role", "roleId", "role.delete", "role", (roleId) => (a) => deleteRole(db(), a, { roleId, pin: THABO_PIN }, context)],
];

describe("another organisation's ids in a server action", () => {
  it.each(CASES)(
    "to %s: the same not-found as a made-up id, Acme unchanged, and a denied audit row in Nkosi's audit",
    async (_, target, action, targetType, run) => {
      const theirs = acme[target];
      const madeUp = randomUUID();
      const before = await snapshot();

      const refused = await act(run(theirs));
      const unknown = await act(run(madeUp));

      expect(refused).toEqual(unknown);
      expect(refused).toMatchObject({ ok: false, code: "not_found" });
      expect(await snapshot()).toEqual(before);
      expect(await deniedRows(theirs, action)).toEqual([
        { orgId: nkosiId, action, outcome: "denied", targetType, metadata: { reason: "not_in_organisation" }, actorUserId: thabo.user.id },
      ]);
      expect(await deniedRows(madeUp)).toEqual([]);
      // Nothing about Acme in the row Nkosi's members can read.
      const [row] = await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.targetId, theirs), eq(auditEvents.action, action)));
      expect(JSON.stringify(row)).not.toMatch(/acme/i);
    },
  );

  it("audits nothing for the organisation's own missing things, nor for an id that is not one", async () => {
    const nkosiKeys = await db().select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.orgId, nkosiId));
    const own = nkosiKeys[0]!.id;
    await db().update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, own));
    expect(await act((a) => renewKey(db(), a, { keyId: own, pin: THABO_PIN }, context))).toMatchObject({ ok: false, code: "not_found" });
    expect(await deniedRows(own)).toEqual([]);
    await db().update(apiKeys).set({ revokedAt: null }).where(eq(apiKeys.id, own));
    expect(await act((a) => renewKey(db(), a, { keyId: "not-a-uuid", pin: THABO_PIN }, context))).toMatchObject({ ok: false, code: "invalid_request" });
  });
});

describe("another organisation's ids in a page's URL", () => {
  it("a key page answers not found as for a made-up id, and the page's record is a denied row", async () => {
    await expect(getKey(db(), thabo, acme.keyId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getKey(db(), thabo, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
    // What pageNotFound records when that happens (lib/auth/current.ts):
    expect(await recordIfOutsideOrganisation(db(), thabo, { action: "key.view", targetType: "api_key", targetId: acme.keyId }, context)).toBe(true);
    expect(await recordIfOutsideOrganisation(db(), thabo, { action: "key.view", targetType: "api_key", targetId: randomUUID() }, context)).toBe(false);
    expect(await recordIfOutsideOrganisation(db(), thabo, { action: "key.view", targetType: "api_key", targetId: "../../etc" }, context)).toBe(false);
    expect(await deniedRows(acme.keyId, "key.view")).toEqual([
      { orgId: nkosiId, action: "key.view", outcome: "denied", targetType: "api_key", metadata: { reason: "not_in_organisation" }, actorUserId: thabo.user.id },
    ]);
  });

  it("an application page does the same", async () => {
    await expect(getApplicationView(db(), thabo, acme.applicationId)).rejects.toBeInstanceOf(NotFoundError);
    expect(
      await recordIfOutsideOrganisation(
        db(),
        thabo,
        { action: "credentials.view", targetType: "application", targetId: acme.applicationId.toUpperCase() },
        context,
      ),
    ).toBe(true);
    expect(await deniedRows(acme.applicationId, "credentials.view")).toEqual([
      {
        orgId: nkosiId,
        action: "credentials.view",
        outcome: "denied",
        targetType: "application",
        metadata: { reason: "not_in_organisation" },
        actorUserId: thabo.user.id,
      },
    ]);
  });

  it("a member who also belongs to the actor's organisation is not another organisation's", async () => {
    const naledi = await actorFor("naledi@acme.example");
    // Pieter is in Acme and Pending Ventures; Kagiso is in Pending Ventures only.
    const [kagiso] = await db().select({ id: users.id }).from(users).where(eq(users.email, "kagiso@pending.example"));
    expect(await recordIfOutsideOrganisation(db(), naledi, { action: "member.remove", targetType: "member", targetId: acme.memberId }, context)).toBe(false);
    expect(await recordIfOutsideOrganisation(db(), naledi, { action: "member.remove", targetType: "member", targetId: kagiso!.id }, context)).toBe(true);
  });
});

/** Acme's side of things, to prove an attempt changed none of it. */
async function snapshot() {
  return {
    key: await db().select().from(apiKeys).where(eq(apiKeys.id, acme.keyId)),
    application: await db().select().from(applications).where(eq(applications.id, acme.applicationId)),
    payment: (await db().select().from(payments).where(eq(payments.id, acme.paymentId))).map((p) => ({ ...p, amount: String(p.amount) })),
    invitation: await db().select().from(invitations).where(eq(invitations.id, acme.invitationId)),
    roles: await db().select().from(roles).where(eq(roles.id, acme.customRoleId)),
  };
}
