import "server-only";
import { sql } from "drizzle-orm";
import type { Database, Executor } from "@/lib/db";
import { notifications } from "@/lib/db/schema";
import { formatDateTime } from "@/lib/format";
import { daysLeft } from "@/lib/key-status";
import { queueEmail } from "@/lib/mail/outbox";
import { portalOrigin } from "@/lib/mail/portal-origin";
import { enqueueWebhookEvent } from "@/lib/webhooks/outbox";

export type ReminderThreshold = "14d" | "3d" | "frozen";

/** The reminder's title: the days actually left, as the key's page counts them, not the threshold crossed. */
function reminderTitle(threshold: ReminderThreshold, alias: string, expiresAt: Date, now: Date): string {
  if (threshold === "frozen") return `“${alias}” is frozen`;
  const days = Math.max(1, daysLeft(expiresAt, now));
  return `“${alias}” freezes in ${days} ${days === 1 ? "day" : "days"}`;
}

type Due = {
  key_id: string;
  alias: string;
  prefix: string;
  expires_at: Date | string;
  /** The expiry to the microsecond, as the database wrote it. */
  expires_exact: string;
  org_id: string;
  org_name: string;
  user_id: string;
  email: string;
  threshold: ReminderThreshold;
};

/**
 * Reminds every member who may renew (keys:renew) about each live key at 14 days before it
 * freezes, at 3 days, and when it froze — only the tightest threshold crossed, once per key,
 * member, threshold and expiry date (a renewed key is reminded again next time round). The bell's
 * notification and the e-mail are each inserted under a unique dedupe key, so any number of
 * processes running this at the same moment write, and later send, each message exactly once.
 */
export async function runExpiryReminders(db: Database, now = new Date()): Promise<{ created: number }> {
  const due = await db.execute<Due>(sql`
    select k.id as key_id, k.alias, k.prefix, k.expires_at, k.expires_at::text as expires_exact, k.org_id, o.name as org_name, u.id as user_id, u.email,
      case when k.expires_at <= ${now} then 'frozen'
           when k.expires_at <= ${now}::timestamptz + interval '3 days' then '3d'
           else '14d' end as threshold
    from api_keys k
    join organisations o on o.id = k.org_id
    join memberships m on m.org_id = k.org_id
    join roles r on r.id = m.role_id and 'keys:renew' = any(r.permissions)
    join users u on u.id = m.user_id
    -- A leaked key is never renewed, and a key a narrower one replaces stops anyway: neither is a reminder's business.
    where k.revoked_at is null and k.leaked_at is null and k.retires_at is null and k.expires_at <= ${now}::timestamptz + interval '14 days'
    order by k.expires_at`);
  let created = 0;
  const streamed = new Set<string>();
  for (const row of due.rows) {
    const expiresAt = new Date(row.expires_at);
    const dedupeKey = `expiry:${row.key_id}:${row.user_id}:${row.threshold}:${expiresAt.toISOString()}`;
    const title = reminderTitle(row.threshold, row.alias, expiresAt, now);
    const body =
      row.threshold === "frozen"
        ? `The API key “${row.alias}” (${row.prefix}…) of ${row.org_name} froze on ${formatDateTime(expiresAt)}. Calls with it fail until it is renewed.`
        : `The API key “${row.alias}” (${row.prefix}…) of ${row.org_name} freezes on ${formatDateTime(expiresAt)}. Renew it before then to keep it working.`;
    const inserted = await db.transaction(async (tx) => {
      // The key must still be the one found above: a renewal or deletion that committed since then
      // resolved its reminders (lib/notifications/resolve-key-reminders.ts), and one that starts now
      // waits for this row lock, then resolves what this transaction writes.
      const still = await tx.execute(
        sql`select 1 from api_keys where id = ${row.key_id} and expires_at = ${row.expires_exact}::timestamptz and revoked_at is null and leaked_at is null and retires_at is null for share`,
      );
      if (still.rows.length === 0) return false;
      // The organisation's webhooks hear of it once per key, threshold and expiry, whoever is reminded.
      if (!streamed.has(row.key_id)) {
        streamed.add(row.key_id);
        await streamKeyExpiry(tx, row, expiresAt, now);
      }
      const [notification] = await tx
        .insert(notifications)
        .values({
          orgId: row.org_id,
          userId: row.user_id,
          kind: `key_${row.threshold === "frozen" ? "frozen" : "expiring"}`,
          subjectType: "api_key",
          subjectId: row.key_id,
          dedupeKey,
          title,
          body,
        })
        .onConflictDoNothing({ target: notifications.dedupeKey })
        .returning({ id: notifications.id });
      if (!notification) return false;
      await queueEmail(tx, { dedupeKey, to: row.email, subject: `Latchkey: ${title}`, body: `${body}\n\nRenew it: ${portalOrigin()}/keys/${row.key_id}` });
      return true;
    });
    if (inserted) created += 1;
  }
  return { created };
}

/** A key froze this long ago at most, and its `key.frozen` webhook event is still sent (not for keys frozen long before). */
const FROZEN_EVENT_WINDOW_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * The webhook event of a key reaching a threshold: `key.expiring` (14 or 3 days left) or
 * `key.frozen`, written once (its id follows from the key, threshold and expiry) in the
 * reminder's transaction.
 */
async function streamKeyExpiry(tx: Executor, row: Due, expiresAt: Date, now: Date) {
  if (row.threshold === "frozen" && now.getTime() - expiresAt.getTime() > FROZEN_EVENT_WINDOW_MS) return;
  await enqueueWebhookEvent(tx, {
    orgId: row.org_id,
    type: row.threshold === "frozen" ? "key.frozen" : "key.expiring",
    dedupeKey: `key-expiry:${row.key_id}:${row.threshold}:${expiresAt.toISOString()}`,
    data: {
      organisationId: row.org_id,
      target: { type: "api_key", id: row.key_id },
      actor: { userId: null, apiKeyId: null, label: "Latchkey" },
      details: {
        alias: row.alias,
        prefix: row.prefix,
        expiresAt: expiresAt.toISOString(),
        ...(row.threshold === "frozen" ? {} : { threshold: row.threshold }),
      },
    },
  });
}
