import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeys, emailOutbox, notifications, users } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { runExpiryReminders } from "@/lib/jobs/expiry-reminders";
import { deliverOutbox, type MailTransport } from "@/lib/mail/outbox";
import { listNotifications, markNotificationsRead } from "@/lib/notifications/notifications";
import type { TestDatabase } from "@/lib/test/database";
import { actorFor, context, db } from "@/lib/test/helpers";

const run = promisify(execFile);

/** The (key, member, threshold) reminders due now, computed independently of the job. */
async function expectedReminders() {
  const rows = await db().execute<{ n: number }>(sql`
    select count(*)::int as n from api_keys k
    join memberships m on m.org_id = k.org_id
    join roles r on r.id = m.role_id and 'keys:renew' = any(r.permissions)
    where k.revoked_at is null and k.expires_at <= now() + interval '14 days'`);
  return rows.rows[0]!.n;
}

/** Runs the job in two processes at the same moment: real ones on PostgreSQL, two concurrent rounds on the embedded database (which one process owns). */
async function runTwiceAtOnce() {
  const url = (globalThis.__latchkeyDatabase as TestDatabase).url;
  if (!url) return Promise.all([runExpiryReminders(db()), runExpiryReminders(db())]);
  const env = { ...process.env, DATABASE_URL: url, SMTP_URL: "", LOG_LEVEL: "info" };
  const once = () => run(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/jobs.ts"], { env });
  const outputs = await Promise.all([once(), once()]);
  // Each process writes its round as one JSON log line.
  const rounds = outputs.map((o) =>
    o.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { msg: string; reminders?: number }),
  );
  return rounds.map((lines) => ({ created: lines.find((line) => line.msg === "jobs round")?.reminders ?? Number.NaN }));
}

beforeAll(async () => {
  await seedDemoData(db());
});

describe("expiry reminders", () => {
  it("two processes at once write each reminder and its e-mail exactly once", async () => {
    const expected = await expectedReminders();
    expect(expected).toBeGreaterThanOrEqual(2);
    const results = await runTwiceAtOnce();
    expect(results.reduce((sum, r) => sum + r.created, 0)).toBe(expected);
    expect(await db().$count(notifications)).toBe(expected);
    expect(await db().$count(emailOutbox)).toBe(expected);
    // Once per key and threshold: a later round adds nothing.
    expect((await runExpiryReminders(db())).created).toBe(0);
  }, 60_000);

  it("tells the renewers of the Nkosi key freezing in 10 days, and of the frozen one, by bell and e-mail", async () => {
    const thabo = await actorFor("thabo@nkosi.example");
    const { items, unread } = await listNotifications(db(), thabo);
    expect(items.map((n) => n.title).sort()).toEqual(["“Budget app” freezes in 10 days", "“Tax return export” is frozen"]);
    expect(unread).toBe(2);
    const mail = await db().select().from(emailOutbox).where(eq(emailOutbox.toAddress, "thabo@nkosi.example"));
    expect(mail.map((m) => m.subject).sort()).toEqual(["Latchkey: “Budget app” freezes in 10 days", "Latchkey: “Tax return export” is frozen"]);
    expect(mail[0]!.body).toMatch(/\/keys\/[0-9a-f-]{36}/);
    // Members who may not renew hear nothing.
    const [aisha] = await db().select({ id: users.id }).from(users).where(eq(users.email, "aisha@acme.example"));
    expect(await db().$count(notifications, eq(notifications.userId, aisha!.id))).toBe(0);
  });

  it("reminds again at the next threshold, and again after a renewal's next cycle", async () => {
    const [budget] = await db().select().from(apiKeys).where(eq(apiKeys.alias, "Budget app"));
    await db().update(apiKeys).set({ expiresAt: sql`now() + interval '2 days' - interval '1 hour'` }).where(eq(apiKeys.id, budget!.id));
    const before = await db().$count(notifications, eq(notifications.subjectId, budget!.id));
    await runExpiryReminders(db());
    const titles = (await db().select({ title: notifications.title }).from(notifications).where(eq(notifications.subjectId, budget!.id))).map((n) => n.title);
    expect(titles.length).toBe(before * 2);
    expect(titles).toContain("“Budget app” freezes in 2 days");
  });

  it("the bell marks notifications read: one, then all — only the member's own", async () => {
    const thabo = await actorFor("thabo@nkosi.example");
    const { items } = await listNotifications(db(), thabo);
    expect(await markNotificationsRead(db(), thabo, { ids: [items[0]!.id] }, context)).toBe(1);
    expect((await listNotifications(db(), thabo)).unread).toBe(items.length - 1);
    const naledi = await actorFor("naledi@acme.example");
    expect(await markNotificationsRead(db(), naledi, { ids: [items[1]!.id] }, context)).toBe(0);
    expect(await markNotificationsRead(db(), thabo, {}, context)).toBe(items.length - 1);
    expect((await listNotifications(db(), thabo)).unread).toBe(0);
    await expect(markNotificationsRead(db(), thabo, { ids: ["nope"] }, context)).rejects.toMatchObject({ code: "invalid_request" });
  });
});

describe("e-mail delivery", () => {
  it("two deliveries at once send each queued message exactly once", async () => {
    const queued = await db().$count(emailOutbox, sql`${emailOutbox.sentAt} is null`);
    expect(queued).toBeGreaterThan(0);
    const sent: string[] = [];
    const transport: MailTransport = { sendMail: async (m) => void sent.push(`${m.to}|${m.subject}`) };
    const [a, b] = await Promise.all([deliverOutbox(db(), transport, 3), deliverOutbox(db(), transport, 1000)]);
    const rest = await deliverOutbox(db(), transport, 1000);
    expect(a.sent + b.sent + rest.sent).toBe(queued);
    expect(new Set(sent).size).toBe(sent.length);
    expect(await db().$count(emailOutbox, isNotNull(emailOutbox.sentAt))).toBe(await db().$count(emailOutbox));
  });

  it("a failed send is released for a later try, with the reason", async () => {
    await db().insert(emailOutbox).values({ dedupeKey: "test:failing", toAddress: "x@acme.example", subject: "s", body: "b" });
    const result = await deliverOutbox(db(), {
      sendMail: async () => {
        throw new Error("550 mailbox unavailable");
      },
    });
    expect(result).toEqual({ sent: 0, failed: 1 });
    const [row] = await db()
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.dedupeKey, "test:failing")));
    expect([row!.sentAt, row!.attempts, row!.lastError]).toEqual([null, 1, "550 mailbox unavailable"]);
  });

  it("reminds nobody about a leaked key or one a narrower key replaces: neither can be renewed", async () => {
    const make = async (alias: string, extra: Record<string, unknown>) => {
      const [template] = await db().select().from(apiKeys).where(eq(apiKeys.alias, "Supplier payments"));
      const [row] = await db()
        .insert(apiKeys)
        .values({
          orgId: template!.orgId,
          applicationId: template!.applicationId,
          alias,
          mode: "live",
          prefix: `lk_live_${alias.slice(0, 4)}`,
          secretHash: `${alias}-hash`.padEnd(64, "0"),
          createdBy: template!.createdBy,
          expiresAt: new Date(Date.now() + 2 * 86_400_000),
          ...extra,
        })
        .returning({ id: apiKeys.id });
      return row!.id;
    };
    const leaked = await make("Leaked soon-expiring", { leakedAt: new Date(), leakUrl: "https://example.test/leak" });
    const retiring = await make("Retiring soon-expiring", { retiresAt: new Date(Date.now() + 3_600_000) });
    const plain = await make("Plain soon-expiring", {});
    await runExpiryReminders(db());
    const about = async (keyId: string) => db().$count(notifications, eq(notifications.subjectId, keyId));
    expect(await about(plain)).toBeGreaterThan(0);
    expect([await about(leaked), await about(retiring)]).toEqual([0, 0]);
  });
});
