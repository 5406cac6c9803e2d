import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { notifications } from "@/lib/db/schema";
import { cancelQueuedEmails } from "@/lib/mail/outbox";

/** The notification kinds that only remind about a key's expiry; the key's renewal or deletion ends their cause. */
export const KEY_REMINDER_KINDS = ["key_expiring", "key_frozen"] as const;

/** The dedupe-key prefix of a key's expiry reminders (lib/jobs/expiry-reminders.ts): `expiry:<keyId>:`. */
export function keyReminderPrefix(keyId: string): string {
  return `expiry:${keyId}:`;
}

/**
 * A key was renewed or deleted: its expiry reminders are resolved — they leave every member's bell,
 * and the reminder e-mails still waiting in the outbox are not sent. Run it in the transaction that
 * renews or deletes, so both commit together. The next cycle's reminders still come: they are
 * deduplicated per expiry date, and a renewed key has a new one.
 */
export async function resolveKeyReminders(tx: Executor, keyIds: readonly string[]): Promise<{ notifications: number; emails: number }> {
  if (keyIds.length === 0) return { notifications: 0, emails: 0 };
  const removed = await tx
    .delete(notifications)
    .where(and(eq(notifications.subjectType, "api_key"), inArray(notifications.subjectId, [...keyIds]), inArray(notifications.kind, [...KEY_REMINDER_KINDS])))
    .returning({ id: notifications.id });
  const emails = await cancelQueuedEmails(tx, keyIds.map(keyReminderPrefix));
  return { notifications: removed.length, emails };
}
