import "server-only";
import { and, isNull, like, or, sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import type { Database, Executor } from "@/lib/db";
import { emailOutbox } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { keyFor, seal, unsealWith } from "@/lib/security/seal";
import { LINK_PLACEHOLDER } from "./link-placeholder";
import { log } from "@/lib/observability/log";

export { LINK_PLACEHOLDER };

export interface OutgoingEmail {
  /** One message per dedupe key, however often or from however many processes it is queued. */
  dedupeKey: string;
  to: string;
  subject: string;
  body: string;
  /**
   * A link that grants something (an invitation): never stored readable. The body must hold
   * LINK_PLACEHOLDER on a line of its own, once; the link is kept sealed in `sealed_link` under a key
   * derived from AUTH_SECRET, opened only to hand the message to SMTP, and erased once it is sent.
   */
  link?: string;
}

const SEAL_PURPOSE = "email_outbox.sealed_link";
/** A sealed link opens only in the message it was sealed for: same dedupe key, same recipient. */
const sealContext = (dedupeKey: string, to: string) => JSON.stringify(["email_outbox", dedupeKey, to]);
const placeholderLines = (body: string) => body.split("\n").filter((line) => line === LINK_PLACEHOLDER).length;

/** The text handed to SMTP: the body with its placeholder line replaced by the link. */
function withLink(body: string, link: string): string {
  return body
    .split("\n")
    .map((line) => (line === LINK_PLACEHOLDER ? link : line))
    .join("\n");
}

/** Whether e-mail leaves the building (SMTP_URL); without it, messages stay in the outbox for operators. */
export function mailConfigured(): boolean {
  return Boolean(env.SMTP_URL);
}

/** Queues a message; returns false when one with the same dedupe key was queued before. */
export async function queueEmail(db: Executor, email: OutgoingEmail): Promise<boolean> {
  const expected = email.link === undefined ? 0 : 1;
  if (placeholderLines(email.body) !== expected)
    throw new Error(`A message ${expected ? "with a link needs" : "without a link cannot have"} one line holding ${LINK_PLACEHOLDER}.`);
  const sealedLink = email.link === undefined ? null : seal(SEAL_PURPOSE, email.link, sealContext(email.dedupeKey, email.to));
  const inserted = await db
    .insert(emailOutbox)
    .values({ dedupeKey: email.dedupeKey, toAddress: email.to, subject: email.subject, body: email.body, sealedLink })
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
/** Tries per message; a message still unsent after them is given up, and its sealed link erased. */
export const MAX_ATTEMPTS = 5;

const UNSEAL_FAILED = "Not sent: its sealed link did not open (altered, or sealed under another AUTH_SECRET).";
const NO_LINK = "Not sent: its link is missing.";

type ClaimedMessage = {
  id: string;
  dedupe_key: string;
  to_address: string;
  subject: string;
  body: string;
  attempts: number;
  /** The value as it was before the claim erased it. */
  sealed_link: string | null;
};

/**
 * Sends queued messages through SMTP. Each is claimed with `FOR UPDATE SKIP LOCKED` and marked sent
 * in the same statement, so processes delivering at the same moment never send one twice; a message
 * whose sending fails is released for a later try, at most five times.
 *
 * That claiming statement also erases the message's sealed link: from then on the table holds the
 * message without any link, and the link lives only in this process, opened just to render the
 * text handed to SMTP. A failed try writes the sealed value back for the next one — unless it was the
 * last try, when the link stays erased. Without AUTH_SECRET, messages with a sealed link wait.
 */
export async function deliverOutbox(db: Database, transport: MailTransport | null = smtpTransport(), batch = 50): Promise<{ sent: number; failed: number }> {
  if (!transport) return { sent: 0, failed: 0 };
  const key = keyFor(SEAL_PURPOSE);
  const claimed = await db.execute<ClaimedMessage>(sql`
    with due as (
      select id, sealed_link from email_outbox
      where sent_at is null and attempts < ${MAX_ATTEMPTS} and (sealed_link is null or ${key !== null})
      order by created_at
      limit ${batch}
      for update skip locked
    )
    update email_outbox as m set sent_at = now(), attempts = m.attempts + 1, sealed_link = null
    from due
    where m.id = due.id
    returning m.id, m.dedupe_key, m.to_address, m.subject, m.body, m.attempts, due.sealed_link`);
  let sent = 0;
  let failed = 0;
  for (const message of claimed.rows) {
    const release = async (reason: string) => {
      failed += 1;
      const keep = Number(message.attempts) < MAX_ATTEMPTS ? message.sealed_link : null;
      await db.execute(sql`update email_outbox set sent_at = null, last_error = ${reason}, sealed_link = ${keep} where id = ${message.id}`);
    };
    let link: string | null = null;
    if (message.sealed_link !== null) {
      try {
        link = unsealWith(key!, message.sealed_link, sealContext(message.dedupe_key, message.to_address));
      } catch {
        log().error({ messageId: message.id }, "e-mail not sent: its sealed link did not open (altered, or sealed under another AUTH_SECRET)");
        await release(UNSEAL_FAILED);
        continue;
      }
    }
    const places = placeholderLines(message.body);
    if (places !== (link === null ? 0 : 1)) {
      // A link with nowhere to go, or a placeholder with no link: never send a message without its link.
      log().error({ messageId: message.id }, "e-mail not sent: its body and its link do not match");
      await release(NO_LINK);
      continue;
    }
    const text = link === null ? message.body : withLink(message.body, link);
    try {
      await transport.sendMail({ from: FROM, to: message.to_address, subject: message.subject, text });
      sent += 1;
    } catch (error) {
      const reason = error instanceof Error ? error.message : "send failed";
      await release((link ? reason.replaceAll(link, "[link]") : reason).slice(0, 200));
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
