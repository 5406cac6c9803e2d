import "server-only";
import type { Database } from "@/lib/db";
import { deliverOutbox } from "@/lib/mail/outbox";
import { runExpiryReminders } from "./expiry-reminders";

/** One round of the background work: expiry reminders, then delivery of queued e-mail. */
export async function runJobs(db: Database, now = new Date()) {
  const reminders = await runExpiryReminders(db, now);
  const mail = await deliverOutbox(db);
  return { reminders: reminders.created, sent: mail.sent, failed: mail.failed };
}
