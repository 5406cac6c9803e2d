import { readFileSync } from "node:fs";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { emailOutbox, invitations, organisations, roles } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { env } from "@/lib/env";
import { acceptInvitation } from "@/lib/members/accept-invitation";
import { inviteMember } from "@/lib/members/invite-member";
import { actorFor, context, db } from "@/lib/test/helpers";
import { pinOf } from "@/lib/test/keys";

/** The data statements migration 0004 runs after its schema changes (the test database has them applied already). */
const dataStatements = readFileSync(path.join(process.cwd(), "drizzle/0004_set_up_links_sealed_outbox.sql"), "utf8")
  .split("--> statement-breakpoint")
  .map((statement) => statement.replace(/^\s*--.*$/gm, "").trim())
  .filter((statement) => statement.startsWith("UPDATE"));

let acmeId: string;

/** An invitation and the message the code before sealing queued for it: the live link in the body. */
async function legacyInvitation(email: string, sent: boolean) {
  const [developer] = await db()
    .select()
    .from(roles)
    .where(and(eq(roles.orgId, acmeId), eq(roles.name, "Developer")));
  const { link } = await inviteMember(
    db(),
    await actorFor("naledi@acme.example"),
    { email, roleId: developer!.id, pin: pinOf("naledi@acme.example") },
    { ...context, origin: "http://portal.test" },
  );
  const [invitation] = await db().select().from(invitations).where(eq(invitations.email, email));
  await db()
    .insert(emailOutbox)
    .values({
      dedupeKey: `invitation:${invitation!.id}`,
      toAddress: email,
      subject: "Naledi Dlamini invited you to Acme Holdings on Latchkey",
      body: `Naledi Dlamini invited you to join Acme Holdings as Developer.\n\nAccept within 7 days: ${link}\n\nThe link works once. If you did not expect this, ignore this message.`,
      sentAt: sent ? new Date() : null,
      attempts: sent ? 1 : 0,
    });
  return link.split("/invite/")[1]!;
}

const accept = (token: string) =>
  acceptInvitation(db(), { token, name: "Someone", password: "a-long-password-1", confirmPassword: "a-long-password-1" }, context).then(
    () => "joined",
    (error: { code?: string }) => error.code,
  );

beforeAll(async () => {
  Object.assign(env, { SMTP_URL: undefined });
  await seedDemoData(db());
  acmeId = (await db().select().from(organisations).where(eq(organisations.name, ORG_NAMES.acme)))[0]!.id;
});

describe("migration 0004 scrubs the invitation links earlier versions kept in e-mail bodies", () => {
  it("withdraws the invitations whose links were stored, cuts every link out, and stops unsent ones", async () => {
    expect(dataStatements).toHaveLength(2);
    const sentToken = await legacyInvitation("legacy.sent@acme.example", true);
    const queuedToken = await legacyInvitation("legacy.queued@acme.example", false);
    const [developer] = await db()
      .select()
      .from(roles)
      .where(and(eq(roles.orgId, acmeId), eq(roles.name, "Developer")));
    const { link: untouched } = await inviteMember(
      db(),
      await actorFor("naledi@acme.example"),
      { email: "never.mailed@acme.example", roleId: developer!.id, pin: pinOf("naledi@acme.example") },
      { ...context, origin: "http://portal.test" },
    );
    await db()
      .insert(emailOutbox)
      .values({ dedupeKey: "expiry:legacy", toAddress: "thabo@nkosi.example", subject: "Reminder", body: "Renew it: http://portal.test/keys/1" });

    for (const statement of dataStatements) await db().execute(sql.raw(statement));

    const rows = await db().select().from(emailOutbox);
    expect(JSON.stringify(rows)).not.toContain("lkinv_");
    const byTo = (to: string) => rows.find((r) => r.toAddress === to)!;
    expect(byTo("legacy.sent@acme.example")).toMatchObject({
      body: "Naledi Dlamini invited you to join Acme Holdings as Developer.\n\nAccept within 7 days: [link removed]\n\nThe link works once. If you did not expect this, ignore this message.",
      attempts: 1,
      lastError: null,
    });
    expect(byTo("legacy.sent@acme.example").sentAt).not.toBeNull();
    expect(byTo("legacy.queued@acme.example")).toMatchObject({ sentAt: null, attempts: 5, lastError: expect.stringMatching(/^Withdrawn/) });
    expect(byTo("thabo@nkosi.example")).toMatchObject({ body: "Renew it: http://portal.test/keys/1", attempts: 0, lastError: null });

    // Whoever copied a link from the table cannot use it; an invitation never stored so still works.
    expect(await accept(sentToken)).toBe("invitation_gone");
    expect(await accept(queuedToken)).toBe("invitation_gone");
    expect(await accept(untouched.split("/invite/")[1]!)).toBe("joined");

    // Run again (as on a database migrated before): nothing more changes.
    const snapshot = JSON.stringify(await db().select().from(emailOutbox).orderBy(emailOutbox.dedupeKey));
    for (const statement of dataStatements) await db().execute(sql.raw(statement));
    expect(JSON.stringify(await db().select().from(emailOutbox).orderBy(emailOutbox.dedupeKey))).toBe(snapshot);
  });
});
