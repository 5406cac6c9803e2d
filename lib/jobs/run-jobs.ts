import "server-only";
import type { Database } from "@/lib/db";
import { deliverOutbox } from "@/lib/mail/outbox";
import { metrics } from "@/lib/observability/metrics";
import { deliverWebhooks } from "@/lib/webhooks/deliver";
import { deleteExpiredRows } from "./delete-expired-rows";
import { expirePendingKeys } from "./expire-pending-keys";
import { runExpiryReminders } from "./expiry-reminders";
import { retireReplacedKeys } from "./retire-replaced-keys";

/** Counts a delivery pass's outcomes (latchkey_webhook_deliveries_total). */
export function countWebhookDeliveries(result: { delivered: number; retrying: number; failed: number }): void {
  const counter = metrics().webhookDeliveries;
  for (const outcome of ["delivered", "retrying", "failed"] as const) if (result[outcome] > 0) counter.inc({ outcome }, result[outcome]);
}

/**
 * One round of the background work: deleting keys left unapproved for 7 days, retiring keys whose
 * narrower replacement's overlap has ended, expiry reminders, delivery of due webhooks (its events
 * written by then), delivery of queued e-mail (a disabled endpoint's notice among it), then deleting
 * rows that can never be used again.
 */
export async function runJobs(db: Database, now = new Date()) {
  const unapproved = await expirePendingKeys(db, now);
  const replaced = await retireReplacedKeys(db, now);
  const reminders = await runExpiryReminders(db, now);
  const webhooks = await deliverWebhooks(db);
  const mail = await deliverOutbox(db);
  const deleted = await deleteExpiredRows(db);
  countWebhookDeliveries(webhooks);
  const m = metrics();
  m.reminders.inc(reminders.created);
  m.emails.inc({ outcome: "sent" }, mail.sent);
  m.emails.inc({ outcome: "failed" }, mail.failed);
  return {
    unapprovedKeysDeleted: unapproved.deleted,
    replacedKeysRetired: replaced.retired,
    reminders: reminders.created,
    webhooksDelivered: webhooks.delivered,
    webhooksRetrying: webhooks.retrying,
    webhooksFailed: webhooks.failed,
    webhookEndpointsDisabled: webhooks.endpointsDisabled,
    sent: mail.sent,
    failed: mail.failed,
    deleted,
  };
}
