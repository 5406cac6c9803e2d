import "server-only";
import { and, isNull, like, or, sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import type { Database, Executor } from "@/lib/db";
import { emailOutbox } from "@/lib/db/schema";
import { env } from "@/lib/env";

export interface OutgoingEmail {
  /** One message per dedupe key, however often or from however many processes it is queued. */
  dedupeKey: string;
  to: string;
  subject: string;
  body: string;
}

/** Whether e-mail leaves the building (SMTP_URL); without it, messages stay in the outbox for operators. */
export function mailConfigured(): boolean {
  return Boolean(env.SMTP_URL);
}

/** Queues a message; returns false when one with the same dedupe key was queued before. */
export async function queueEmail(db: Executor, email: OutgoingEmail): Promise<boolean> {
  const inserted = await db
    .insert(emailOutbox)
    .values({ dedupeKey: email.dedupeKey, toAddress: email.to, subject: email.subject, body: email.body })
    .onConflictDoNothing({ target: emailOutbox.dedupeKey })
    .returning({ id: emailOutbox.id });
  return inserted.length > 0;
}

/**
 * Withdraws the messages not yet sent whose dedupe key starts with one of these prefixes — a
 * reminder whose cause is gone. A message being handed to SMTP at this moment is already marked sent
 * and is left alone. Returns how many were withdrawn.
 */
export async function cancelQueuedEmails(db: Executor, dedupePrefixes: readonly string[]): Promise<number> {
  if (dedupePrefixes.length === 0) return 0;
  const patterns = dedupePrefixes.map((prefix) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const removed = await db
    .delete(emailOutbox)
    .where(and(isNull(emailOutbox.sentAt), or(...patterns.map((pattern) => like(emailOutbox.dedupeKey, pattern)))))
    .returning({ id: emailOutbox.id });
  return removed.length;
}

export interface MailTransport {
  sendMail(message: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
}

const FROM = env.MAIL_FROM ?? "Latchkey <no-reply@latchkey.example>";
const MAX_ATTEMPTS = 5;

/**
 * Sends queued messages through SMTP. Each is claimed with `FOR UPDATE SKIP LOCKED` and marked sent
 * in the same statement, so processes delivering at the same moment never send one twice; a message
 * whose sending fails is released for a later try, at most five times.
 */
export async function deliverOutbox(db: Database, transport: MailTransport | null = smtpTransport(), batch = 50): Promise<{ sent: number; failed: number }> {
  if (!transport) return { sent: 0, failed: 0 };
  const claimed = await db.execute<{ id: string; to_address: string; subject: string; body: string }>(sql`
    update email_outbox set sent_at = now(), attempts = attempts + 1
    where id in (
      select id from email_outbox
      where sent_at is null and attempts < ${MAX_ATTEMPTS}
      order by created_at
      limit ${batch}
      for update skip locked
    )
    returning id, to_address, subject, body`);
  let sent = 0;
  let failed = 0;
  for (const message of claimed.rows) {
    try {
      await transport.sendMail({ from: FROM, to: message.to_address, subject: message.subject, text: message.body });
      sent += 1;
    } catch (error) {
      failed += 1;
      const reason = error instanceof Error ? error.message.slice(0, 200) : "send failed";
      await db.execute(sql`update email_outbox set sent_at = null, last_error = ${reason} where id = ${message.id}`);
    }
  }
  return { sent, failed };
}

let transport: MailTransport | null | undefined;

/** Nodemailer's SMTP transport for an `smtp://` or `smtps://` URL (user, password, host, port). */
export function smtpTransportFor(url: string): MailTransport {
  return nodemailer.createTransport(url);
}

function smtpTransport(): MailTransport | null {
  if (transport === undefined) transport = env.SMTP_URL ? smtpTransportFor(env.SMTP_URL) : null;
  return transport;
}
