import "server-only";
import { sql } from "drizzle-orm";
import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { auditOutcome } from "./enums";
import { organisations } from "./organisations";
import { users } from "./users";

/**
 * Who did what to which key, credential, member or payment, when and from where. Append-only:
 * a database trigger refuses UPDATE and DELETE. Never holds a secret, hash or PIN (the chain's own
 * hashes aside).
 *
 * Tamper-evident: each organisation's events, and the events of no organisation, form a hash chain.
 * A BEFORE INSERT trigger (drizzle/0006, in SQL like the append-only one) sets `chainSeq`, `prevHash`
 * and `hash` from the chain's head row in `audit_chain_heads` (chain = the organisation's id, or
 * `none`; its newest seq and hash), which it holds locked until the transaction ends: writers of one
 * chain take turns, and a rolled-back event rolls the head back with it. Whatever a caller passes for
 * those columns is overwritten; without the trigger an insert fails (they default to null).
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    orgId: uuid().references(() => organisations.id),
    actorUserId: uuid().references(() => users.id),
    /** The API key that acted, for calls through the bank API. */
    actorKeyId: uuid(),
    /** What the actor was called at the time (a name or email, or a key prefix). */
    actorLabel: text().notNull(),
    ip: text(),
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    outcome: auditOutcome().notNull(),
    requestId: text().notNull(),
    metadata: jsonb().notNull().default({}),
    /** The event's place in its chain: 1, 2, 3… with no gap. The chain's order, which may differ from id order. */
    chainSeq: bigint({ mode: "number" }).notNull().default(sql`null`),
    /** The hash of the event before it in the chain (64 zeros for the first). */
    prevHash: text().notNull().default(sql`null`),
    /** SHA-256, in hex, of `prevHash` followed by the event's canonical JSON (SQL `audit_event_canonical`). */
    hash: text().notNull().default(sql`null`),
  },
  (t) => [
    index().on(t.orgId, t.occurredAt),
    index().on(t.actorUserId),
    index().on(t.targetType, t.targetId),
    // One event per place in each chain: a fork cannot be written. Also the order the verifier walks.
    uniqueIndex("audit_events_chain_seq").on(sql`coalesce(org_id::text, 'none')`, t.chainSeq),
  ],
);

/** In-portal notifications (the bell): expiring and frozen keys, approvals waiting. */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    kind: text().notNull(),
    /** What it is about, e.g. `api_key`, and that thing's id. */
    subjectType: text().notNull(),
    subjectId: uuid().notNull(),
    /** Deduplicates reminders: one per subject, user and threshold (`14d`, `3d`, `frozen`). */
    dedupeKey: text().notNull(),
    title: text().notNull(),
    body: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex().on(t.dedupeKey), index().on(t.userId, t.readAt)],
);

/** Outgoing e-mail; delivered through SMTP when configured, otherwise readable by operators. */
export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: uuid().primaryKey().defaultRandom(),
    dedupeKey: text().notNull(),
    toAddress: text().notNull(),
    subject: text().notNull(),
    body: text().notNull(),
    /**
     * A one-time link the body refers to (an invitation's), sealed with a key derived from AUTH_SECRET
     * so the table never holds a usable link; erased once the message is sent. Null for other mail.
     */
    sealedLink: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp({ withTimezone: true }),
    attempts: integer().notNull().default(0),
    lastError: text(),
  },
  (t) => [uniqueIndex().on(t.dedupeKey)],
);

/**
 * Fixed-window counters shared by every server instance: sign-in attempts per account and per IP,
 * API calls per key. One atomic upsert per hit.
 */
export const rateLimits = pgTable("rate_limits", {
  bucket: text().primaryKey(),
  windowStartedAt: timestamp({ withTimezone: true }).notNull(),
  hits: integer().notNull(),
});
