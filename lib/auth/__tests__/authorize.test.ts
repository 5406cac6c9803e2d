import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { loadActor, type Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import { AccessError } from "@/lib/auth/errors";
import { switchOrganisation } from "@/lib/auth/switch-organisation";
import { listApplications } from "@/lib/credentials/list-applications";
import { listRecentAuditEvents } from "@/lib/audit/list-events";
import { memberships, organisations, roles, sessions } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { listMembers } from "@/lib/members/list-members";
import { listOrganisationsForOperator } from "@/lib/ops/list-organisations";
import { MEMBER_PERMISSIONS } from "@/lib/permissions";
import { actorFor, context, db } from "@/lib/test/helpers";

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    if (error instanceof AccessError) return error.code;
    throw error;
  }
}

describe("the authorization rule", () => {
  beforeAll(async () => {
    await seedDemoData(db());
  });

  it("refuses a visitor without a session", () => {
    expect(codeOf(() => authorize(null))).toBe("unauthenticated");
  });

  it("sends a member without a PIN to set one before anything else", async () => {
    const actor: Actor = { ...(await actorFor("aisha@acme.example")) };
    const noPin = { ...actor, user: { ...actor.user, hasPin: false } };
    expect(codeOf(() => authorize(noPin, { permission: "keys:view" }))).toBe("pin_setup_required");
    expect(codeOf(() => authorize(noPin, { allowWithoutPin: true }))).toBeNull();
  });

  it("grants exactly the permissions of each built-in role and of the custom role", async () => {
    const expected: Record<string, string[]> = {
      "naledi@acme.example": [...MEMBER_PERMISSIONS],
      "pieter@acme.example": MEMBER_PERMISSIONS.filter((p) => p !== "credentials:view"),
      "sipho@acme.example": ["keys:view", "audit:view"],
      "aisha@acme.example": ["keys:view"],
      "johan@acme.example": ["keys:view", "keys:renew"],
    };
    for (const [email, granted] of Object.entries(expected)) {
      const actor = await actorFor(email);
      for (const permission of MEMBER_PERMISSIONS) {
        expect(
          codeOf(() => authorize(actor, { permission })),
          `${email} ${permission}`,
        ).toBe(granted.includes(permission) ? null : "forbidden");
      }
    }
  });

  it("keeps the operator area to bank operators", async () => {
    expect(codeOf(() => authorize(null, { operator: true }))).toBe("unauthenticated");
    const superadmin = await actorFor("naledi@acme.example");
    expect(codeOf(() => authorize(superadmin, { operator: true }))).toBe("not_operator");
    await expect(listOrganisationsForOperator(db(), superadmin)).rejects.toThrow(AccessError);
    const operator = await actorFor("ops@bank.example");
    expect(operator.org).toBeNull();
    expect(codeOf(() => authorize(operator, { permission: "keys:view" }))).toBe("no_organisation");
    const orgs = await listOrganisationsForOperator(db(), operator);
    expect(orgs.map((o) => `${o.name}:${o.status}`)).toEqual([`${ORG_NAMES.acme}:approved`, `${ORG_NAMES.nkosi}:approved`, `${ORG_NAMES.pending}:pending`]);
  });

  it("reads permissions from the database on every request, not from the session", async () => {
    const before = await actorFor("aisha@acme.example");
    expect(before.permissions.has("audit:view")).toBe(false);
    await db()
      .update(roles)
      .set({ permissions: ["keys:view", "audit:view"] })
      .where(eq(roles.id, before.role!.id));
    const after = await loadActor(db(), before.sessionId);
    expect(after!.permissions.has("audit:view")).toBe(true);
    await db()
      .update(roles)
      .set({ permissions: ["keys:view"] })
      .where(eq(roles.id, before.role!.id));
    expect((await loadActor(db(), before.sessionId))!.permissions.has("audit:view")).toBe(false);
  });

  it("scopes reads to the active organisation and refuses those the role lacks", async () => {
    const viewer = await actorFor("aisha@acme.example");
    await expect(listApplications(db(), viewer)).rejects.toThrow(AccessError);
    await expect(listRecentAuditEvents(db(), viewer)).rejects.toThrow(AccessError);
    const members = await listMembers(db(), viewer);
    expect(members.map((m) => m.email)).not.toContain("thabo@nkosi.example");
    expect(members).toHaveLength(5);
    const thabo = await actorFor("thabo@nkosi.example");
    const apps = await listApplications(db(), thabo);
    expect(apps.map((a) => a.name)).toEqual(["Individual connection"]);
    expect(Object.keys(apps[0]!)).not.toContain("clientSecretHash");
  });
});

describe("switching organisation", () => {
  it("switches to another organisation the member belongs to, with that organisation's role", async () => {
    const pieter = await actorFor("pieter@acme.example");
    expect(pieter.memberships.map((m) => m.orgName).sort()).toEqual([ORG_NAMES.acme, ORG_NAMES.pending]);
    const pending = pieter.memberships.find((m) => m.orgName === ORG_NAMES.pending)!;
    expect(await switchOrganisation(db(), pieter, { orgId: pending.orgId }, context)).toBe(true);
    const after = await loadActor(db(), pieter.sessionId);
    expect(after!.org!.name).toBe(ORG_NAMES.pending);
    expect(after!.org!.status).toBe("pending");
    expect(after!.role!.name).toBe("Admin");
  });

  it("refuses an organisation the member does not belong to, leaving the session as it was", async () => {
    const aisha = await actorFor("aisha@acme.example");
    const [nkosi] = await db().select().from(organisations).where(eq(organisations.name, ORG_NAMES.nkosi));
    expect(await switchOrganisation(db(), aisha, { orgId: nkosi!.id }, context)).toBe(false);
    expect(await switchOrganisation(db(), aisha, { orgId: "not-a-uuid" }, context)).toBe(false);
    const [session] = await db().select().from(sessions).where(eq(sessions.id, aisha.sessionId));
    expect(session!.activeOrgId).toBe(aisha.org!.id);
  });

  it("falls back to a remaining organisation when the member is removed from the active one", async () => {
    const pieter = await actorFor("pieter@acme.example");
    const pending = pieter.memberships.find((m) => m.orgName === ORG_NAMES.pending)!;
    await switchOrganisation(db(), pieter, { orgId: pending.orgId }, context);
    await db().delete(memberships).where(eq(memberships.orgId, pending.orgId));
    const after = await loadActor(db(), pieter.sessionId);
    expect(after!.org!.name).toBe(ORG_NAMES.acme);
    expect(after!.memberships).toHaveLength(1);
  });
});
