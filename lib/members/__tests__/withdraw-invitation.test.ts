import { and, desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { AccessError } from "@/lib/auth/errors";
import { auditEvents, invitations, organisations, roles } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { NotFoundError } from "@/lib/errors";
import { acceptInvitation } from "@/lib/members/accept-invitation";
import { inviteMember } from "@/lib/members/invite-member";
import { listPendingInvitations } from "@/lib/members/list-invitations";
import { withdrawInvitation } from "@/lib/members/withdraw-invitation";
import { actorFor, context, db } from "@/lib/test/helpers";
import { pinOf } from "@/lib/test/keys";

const request = { ...context, origin: "http://portal.test" };
let acmeId: string;

/** An open invitation to Acme as a Developer, sent by its Admin; its id and the link's token. */
async function openInvitation(email: string) {
  const [developer] = await db()
    .select()
    .from(roles)
    .where(and(eq(roles.orgId, acmeId), eq(roles.name, "Developer")));
  const { link } = await inviteMember(
    db(),
    await actorFor("pieter@acme.example"),
    { email, roleId: developer!.id, pin: pinOf("pieter@acme.example") },
    request,
  );
  const [row] = await db().select().from(invitations).where(eq(invitations.email, email));
  return { id: row!.id, token: link.split("/invite/")[1]! };
}

const invitationRow = async (id: string) => (await db().select().from(invitations).where(eq(invitations.id, id)))[0]!;

const lastWithdrawAudit = async (invitationId: string) =>
  (
    await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "member.invitation_withdraw"), eq(auditEvents.targetId, invitationId)))
      .orderBy(desc(auditEvents.id))
      .limit(1)
  )[0];

beforeAll(async () => {
  await seedDemoData(db());
  acmeId = (await db().select().from(organisations).where(eq(organisations.name, ORG_NAMES.acme)))[0]!.id;
});

describe("withdrawing an invitation takes members:manage", () => {
  it.each([
    ["a Viewer", "aisha@acme.example"],
    ["a Developer", "sipho@acme.example"],
    ["a Key renewer", "johan@acme.example"],
  ])("%s is refused, the refusal is audited as denied, and the invitation stays open", async (_, email) => {
    const invitation = await openInvitation(`kept-${email.split("@")[0]}@acme.example`);
    const member = await actorFor(email);
    const refusal = await withdrawInvitation(db(), member, { invitationId: invitation.id }, request).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AccessError);
    expect((refusal as AccessError).message).toBe("Your role does not allow this.");

    const audit = await lastWithdrawAudit(invitation.id);
    expect([audit?.outcome, audit?.actorLabel, audit?.orgId, audit?.metadata]).toEqual([
      "denied",
      email,
      acmeId,
      { reason: "forbidden", permission: "members:manage" },
    ]);
    expect(
      await db().$count(
        auditEvents,
        and(eq(auditEvents.targetId, invitation.id), eq(auditEvents.outcome, "success"), eq(auditEvents.action, "member.invitation_withdraw")),
      ),
    ).toBe(0);

    const row = await invitationRow(invitation.id);
    expect([row.revokedAt, row.acceptedAt]).toEqual([null, null]);
    const pending = await listPendingInvitations(db(), await actorFor("naledi@acme.example"));
    expect(JSON.stringify(pending)).toContain(invitation.id);
    // The link still works: the invitee joins.
    await acceptInvitation(
      db(),
      { token: invitation.token, name: "Kept Invitee", password: "a-long-password-1", confirmPassword: "a-long-password-1" },
      context,
    );
    expect((await invitationRow(invitation.id)).acceptedAt).not.toBeNull();
  });

  it("another organisation's Superadmin finds no such invitation, and it stays open", async () => {
    const invitation = await openInvitation("kept-foreign@acme.example");
    await expect(withdrawInvitation(db(), await actorFor("thabo@nkosi.example"), { invitationId: invitation.id }, request)).rejects.toThrow(NotFoundError);
    expect((await invitationRow(invitation.id)).revokedAt).toBeNull();
  });

  it("an Admin withdraws it: the link stops working and the withdrawal is audited", async () => {
    const invitation = await openInvitation("withdrawn@acme.example");
    await withdrawInvitation(db(), await actorFor("pieter@acme.example"), { invitationId: invitation.id }, request);
    expect((await invitationRow(invitation.id)).revokedAt).not.toBeNull();
    const audit = await lastWithdrawAudit(invitation.id);
    expect([audit?.outcome, audit?.actorLabel, audit?.metadata]).toEqual(["success", "pieter@acme.example", { email: "withdrawn@acme.example" }]);
    await expect(
      acceptInvitation(db(), { token: invitation.token, name: "Too Late", password: "a-long-password-1", confirmPassword: "a-long-password-1" }, context),
    ).rejects.toMatchObject({ code: "invitation_gone", message: "This invitation has been used, withdrawn or has expired. Ask for a new one." });
  });
});
