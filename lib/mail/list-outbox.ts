import "server-only";
import { desc } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { emailOutbox } from "@/lib/db/schema";

/** The latest queued and sent e-mail, for bank operators (without SMTP_URL this is where mail lands). */
export async function listOutbox(db: Executor, actor: Actor, limit = 100) {
  authorize(actor, { operator: true });
  return db
    .select({ id: emailOutbox.id, toAddress: emailOutbox.toAddress, subject: emailOutbox.subject, body: emailOutbox.body, createdAt: emailOutbox.createdAt, sentAt: emailOutbox.sentAt, attempts: emailOutbox.attempts, lastError: emailOutbox.lastError })
    .from(emailOutbox)
    .orderBy(desc(emailOutbox.createdAt))
    .limit(limit);
}
