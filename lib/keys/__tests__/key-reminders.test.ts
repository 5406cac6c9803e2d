import { and, eq, isNull, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeys, emailOutbox, notifications } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { runExpiryReminders } from "@/lib/jobs/expiry-reminders";
import { deleteKey } from "@/lib/keys/delete-key";
import { renewKey } from "@/lib/keys/renew-key";
import { renewKeys } from "@/lib/keys/renew-keys";
import { listNotifications } from "@/lib/notifications/notifications";
import { actorFor, context, db } from "@/lib/test/helpers";
import { makeKey, pinOf } from "@/lib/test/keys";

const DAY = 86_400_000;
const PIN = pinOf("naledi@acme.example");

async function dueKey(days: number) {
  const key = await makeKey("naledi@acme.example");
  await db()
    .update(apiKeys)
    .set({ expiresAt: new Date(Date.now() + days * DAY) })
    .where(eq(apiKeys.id, key.id));
  return key;
}

/** What the bell of a member who may renew shows about this key. */
async function bellTitles(email: string, alias: string) {
  const { items } = await listNotifications(db(), await actorFor(email), 200);
  return items.filter((n) => n.title.includes(`“${alias}”`)).map((n) => n.title);
}

const waitingMail = (keyId: string) =>
  db()
    .select()
    .from(emailOutbox)
    .where(and(like(emailOutbox.dedupeKey, `expiry:${keyId}:%`), isNull(emailOutbox.sentAt)));
const allMail = (keyId: string) =>
  db()
    .select()
    .from(emailOutbox)
    .where(like(emailOutbox.dedupeKey, `expiry:${keyId}:%`));
const remindersOf = (keyId: string) => db().select().from(notifications).where(eq(notifications.subjectId, keyId));

beforeAll(async () => {
  await seedDemoData(db());
});

describe("a key's expiry reminders end with their cause", () => {
  it("renewing resolves the bell's reminders and withdraws the unsent e-mails, and the next cycle reminds again", async () => {
    const key = await dueKey(10);
    await runExpiryReminders(db());
    expect(await bellTitles("pieter@acme.example", key.alias)).toEqual([`“${key.alias}” freezes in 10 days`]);
    expect(await bellTitles("johan@acme.example", key.alias)).toHaveLength(1);
    expect(await waitingMail(key.id)).toHaveLength(3); // naledi, pieter, johan

    await renewKey(db(), await actorFor("naledi@acme.example"), { keyId: key.id, pin: PIN }, context);
    expect(await bellTitles("pieter@acme.example", key.alias)).toEqual([]);
    expect(await bellTitles("johan@acme.example", key.alias)).toEqual([]);
    expect(await remindersOf(key.id)).toHaveLength(0);
    expect(await waitingMail(key.id)).toHaveLength(0);
    // Nothing is due now: the job writes nothing for this key.
    await runExpiryReminders(db());
    expect(await remindersOf(key.id)).toHaveLength(0);

    // 80 days on, the renewed key freezes in 10 days: reminded again, by bell and e-mail.
    const later = new Date(Date.now() + 80 * DAY);
    await runExpiryReminders(db(), later);
    const again = await remindersOf(key.id);
    expect(again.map((n) => n.kind)).toEqual(["key_expiring", "key_expiring", "key_expiring"]);
    expect(again[0]!.title).toBe(`“${key.alias}” freezes in 10 days`);
    expect(await waitingMail(key.id)).toHaveLength(3);
    // …at 3 days…
    await runExpiryReminders(db(), new Date(Date.now() + 88 * DAY));
    expect((await remindersOf(key.id)).filter((n) => n.title.endsWith("freezes in 2 days"))).toHaveLength(3);
    // …and once it froze.
    await runExpiryReminders(db(), new Date(Date.now() + 91 * DAY));
    expect((await remindersOf(key.id)).filter((n) => n.kind === "key_frozen")).toHaveLength(3);
  });

  it("renewing a frozen key clears the “is frozen” reminder, and an e-mail already sent stays in the outbox's history", async () => {
    const key = await dueKey(-2);
    await runExpiryReminders(db());
    expect(await bellTitles("naledi@acme.example", key.alias)).toEqual([`“${key.alias}” is frozen`]);
    const [sent] = await waitingMail(key.id);
    await db().update(emailOutbox).set({ sentAt: new Date() }).where(eq(emailOutbox.id, sent!.id));

    await renewKeys(db(), await actorFor("naledi@acme.example"), { keyIds: [key.id], pin: PIN }, context);
    expect(await bellTitles("naledi@acme.example", key.alias)).toEqual([]);
    expect(await waitingMail(key.id)).toHaveLength(0);
    expect((await allMail(key.id)).map((m) => m.id)).toEqual([sent!.id]);
  });

  it("“Renew all” resolves the reminders of every key it renews, and only theirs", async () => {
    const a = await dueKey(3);
    const b = await dueKey(-1);
    const untouched = await dueKey(5);
    await runExpiryReminders(db());
    const naledi = await actorFor("naledi@acme.example");
    const unreadBefore = (await listNotifications(db(), naledi, 200)).unread;
    await renewKeys(db(), naledi, { keyIds: [a.id, b.id], pin: PIN }, context);
    expect((await listNotifications(db(), naledi, 200)).unread).toBe(unreadBefore - 2);
    expect(await remindersOf(a.id)).toHaveLength(0);
    expect(await remindersOf(b.id)).toHaveLength(0);
    expect(await remindersOf(untouched.id)).toHaveLength(3);
    expect(await waitingMail(untouched.id)).toHaveLength(3);
  });

  it("deleting a key resolves its reminders and withdraws its unsent e-mails", async () => {
    const key = await dueKey(2);
    await runExpiryReminders(db());
    expect(await remindersOf(key.id)).toHaveLength(3);
    await deleteKey(db(), await actorFor("naledi@acme.example"), { keyId: key.id, confirmAlias: key.alias, pin: PIN }, context);
    expect(await remindersOf(key.id)).toHaveLength(0);
    expect(await waitingMail(key.id)).toHaveLength(0);
    await runExpiryReminders(db(), new Date(Date.now() + 100 * DAY));
    expect(await remindersOf(key.id)).toHaveLength(0);
  });

  it("a reminder round that found the keys due just before they were renewed or deleted writes nothing for them", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const renewed = await Promise.all([dueKey(6), dueKey(-4)]);
    const deleted = await dueKey(2);
    // The round reads the due keys, then — before it writes — the renewal and the deletion commit.
    let release!: () => void;
    const changesDone = new Promise<void>((resolve) => (release = resolve));
    const real = db();
    const gated = new Proxy(real, {
      get(target, property, receiver) {
        if (property === "transaction") return async (...args: Parameters<typeof real.transaction>) => (await changesDone, target.transaction(...args));
        return Reflect.get(target, property, receiver);
      },
    });
    const round = runExpiryReminders(gated);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await renewKeys(real, naledi, { keyIds: renewed.map((k) => k.id), pin: PIN }, context);
    await deleteKey(real, naledi, { keyId: deleted.id, confirmAlias: deleted.alias, pin: PIN }, context);
    release();
    await round;
    for (const { id } of [...renewed, deleted]) {
      expect(await remindersOf(id)).toHaveLength(0);
      expect(await waitingMail(id)).toHaveLength(0);
    }
  });
});
