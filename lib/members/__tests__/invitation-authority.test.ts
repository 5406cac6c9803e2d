import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { invitations, memberships, organisations, roles, users } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { acceptInvitation } from "@/lib/members/accept-invitation";
import { changeMemberRole, removeMember } from "@/lib/members/change-member";
import { inviteMember } from "@/lib/members/invite-member";
import { actorFor, context, db } from "@/lib/test/helpers";
import { pinOf } from "@/lib/test/keys";

const request = { ...context, origin: "http://portal.test" };
let acmeId: string;

const roleId = async (name: string) =>
  (
    await db()
      .select()
      .from(roles)
      .where(and(eq(roles.orgId, acmeId), eq(roles.name, name)))
  )[0]!.id;
const userId = async (email: string) => (await db().select().from(users).where(eq(users.email, email)))[0]!.id;
const tokenOf = (link: string) => link.split("/invite/")[1]!;

async function invite(by: string, email: string, role: string) {
  const { link } = await inviteMember(db(), await actorFor(by), { email, roleId: await roleId(role), pin: pinOf(by) }, request);
  return tokenOf(link);
}

/** Accepts as a new person; "joined", or the refusal's code and message. */
async function accept(token: string) {
  return acceptInvitation(db(), { token, name: "Invitee", password: "a-long-password-1", confirmPassword: "a-long-password-1" }, context).then(
    () => "joined",
    (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
  );
}

const isMember = async (email: string) =>
  (
    await db()
      .select()
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(users.email, email), eq(memberships.orgId, acmeId)))
  ).length > 0;

beforeAll(async () => {
  await seedDemoData(db());
  acmeId = (await db().select().from(organisations).where(eq(organisations.name, ORG_NAMES.acme)))[0]!.id;
});

describe("an invitation is only as good as its inviter's authority when it is used", () => {
  it("works while the inviter may still grant the role", async () => {
    const token = await invite("pieter@acme.example", "still.fine@acme.example", "Developer");
    expect(await accept(token)).toBe("joined");
    expect(await isMember("still.fine@acme.example")).toBe(true);
  });

  it("is refused after the inviter was demoted, and makes nobody a member", async () => {
    const token = await invite("pieter@acme.example", "demoted.inviter@acme.example", "Admin");
    await changeMemberRole(
      db(),
      await actorFor("naledi@acme.example"),
      { userId: await userId("pieter@acme.example"), roleId: await roleId("Viewer"), pin: pinOf("naledi@acme.example") },
      context,
    );
    expect(await accept(token)).toBe("invitation_invalid: This invitation is no longer valid — ask an admin to invite you again.");
    expect(await isMember("demoted.inviter@acme.example")).toBe(false);
    expect((await db().select().from(users).where(eq(users.email, "demoted.inviter@acme.example"))).length).toBe(0);
    // Restore Pieter for the next case.
    await changeMemberRole(
      db(),
      await actorFor("naledi@acme.example"),
      { userId: await userId("pieter@acme.example"), roleId: await roleId("Admin"), pin: pinOf("naledi@acme.example") },
      context,
    );
  });

  it("is withdrawn when its inviter is removed", async () => {
    const token = await invite("pieter@acme.example", "removed.inviter@acme.example", "Developer");
    await removeMember(
      db(),
      await actorFor("naledi@acme.example"),
      { userId: await userId("pieter@acme.example"), pin: pinOf("naledi@acme.example") },
      context,
    );
    const [row] = await db().select().from(invitations).where(eq(invitations.email, "removed.inviter@acme.example"));
    expect(row!.revokedAt).not.toBeNull();
    expect(await accept(token)).toMatch(/^invitation_gone/);
    expect(await isMember("removed.inviter@acme.example")).toBe(false);
  });
});
