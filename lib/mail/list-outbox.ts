import "server-only";
import { desc } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { emailOutbox } from "@/lib/db/schema";
import { MAX_ATTEMPTS, mailConfigured } from "./outbox";

export type OutboxStatus = "queued" | "sent" | "failed";

export interface OutboxMessage {
  id: string;
  toAddress: string;
  subject: string;
  createdAt: Date;
  sentAt: Date | null;
  attempts: number;
  lastError: string | null;
  /** Queued (never tried, or waiting here without SMTP), sent, or failed (its last try did not go). */
  status: OutboxStatus;
  /** A failed message is tried again until MAX_ATTEMPTS; then it is given up. */
  willRetry: boolean;
  /** Only without SMTP, where the outbox is where mail is read; never when mail leaves by SMTP. */
  body: string | null;
}

export interface Outbox {
  mailConfigured: boolean;
  maxAttempts: number;
  messages: OutboxMessage[];
}

/**
 * The latest queued and sent e-mail, for bank operators. With SMTP_URL it tells who was written to,
 * about what, and whether it went — never a body: bodies can carry one-time links. Without SMTP_URL
 * mail never leaves, this is where it is read, and bodies are shown (invitations are not queued
 * then: the inviter is shown the link to pass on).
 */
export async function listOutbox(db: Executor, actor: Actor, options: { limit?: number; mailConfigured?: boolean } = {}): Promise<Outbox> {
  authorize(actor, { operator: true });
  const smtp = options.mailConfigured ?? mailConfigured();
  const rows = await db
    .select({
      id: emailOutbox.id,
      toAddress: emailOutbox.toAddress,
      subject: emailOutbox.subject,
      createdAt: emailOutbox.createdAt,
      sentAt: emailOutbox.sentAt,
      attempts: emailOutbox.attempts,
      lastError: emailOutbox.lastError,
      ...(smtp ? {} : { body: emailOutbox.body }),
    })
    .from(emailOutbox)
    .orderBy(desc(emailOutbox.createdAt))
    .limit(options.limit ?? 100);
  const messages = rows.map((row): OutboxMessage => {
    const status: OutboxStatus = row.sentAt ? "sent" : row.lastError ? "failed" : "queued";
    return { ...row, body: "body" in row ? (row.body as string) : null, status, willRetry: status === "failed" && row.attempts < MAX_ATTEMPTS };
  });
  return { mailConfigured: smtp, maxAttempts: MAX_ATTEMPTS, messages };
}
