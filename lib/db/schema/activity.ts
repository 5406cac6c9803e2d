import "server-only";
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { auditOutcome } from "./enums";
import { organisations } from "./organisations";
import { users } from "./users";

/**
 * Who did what to which key, credential, member or payment, when and from where. Append-only:
 * a database trigger refuses UPDATE and DELETE. Never holds a secret, hash or PIN.
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
  },
  (t) => [index().on(t.orgId, t.occurredAt), index().on(t.actorUserId), index().on(t.targetType, t.targetId)],
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
