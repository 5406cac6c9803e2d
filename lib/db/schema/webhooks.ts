import "server-only";
import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organisations } from "./organisations";
import { users } from "./users";

/**
 * An organisation's webhook endpoint: where its signed event stream goes (PRODUCT.md, "Signed event
 * stream"). The signing secret (`whsec_…`) is kept sealed (AES-256-GCM), never in plain text — signing
 * needs it back, so it cannot be a hash. After a rotation the previous secret signs too until
 * `previousSecretExpiresAt` (24 hours), so a receiver can switch without missing an event.
 *
 * `status`: 'enabled' | 'disabled'. `disabledReason` when disabled: 'manual' (a member), 'gone' (the
 * receiver answered 410) or 'failing' (3 days of failed deliveries). `failingSince` is the first
 * failed attempt since the last success (null while healthy).
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    url: text().notNull(),
    description: text().notNull().default(""),
    eventTypes: text().array().notNull(),
    secretSealed: text().notNull(),
    /** The secret's last four characters, to tell secrets apart on the page. */
    secretLast4: text().notNull(),
    previousSecretSealed: text(),
    previousSecretExpiresAt: timestamp({ withTimezone: true }),
    status: text().notNull().default("enabled"),
    disabledReason: text(),
    disabledAt: timestamp({ withTimezone: true }),
    failingSince: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.orgId),
    check("webhook_endpoints_status", sql`status in ('enabled', 'disabled')`),
    check("webhook_endpoints_disabled_reason", sql`disabled_reason is null or disabled_reason in ('manual', 'gone', 'failing')`),
  ],
);

/**
 * The outbox: one row per event, written in the same transaction as the change it describes, so an
 * event exists if and only if its change committed. `payload` is the JSON body's `data` — ids and
 * names, never a secret, a key's hash, a PIN or a session. Its id is the `webhook-id` every delivery
 * and retry of it carries.
 */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    type: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.orgId, t.occurredAt)],
);

/**
 * One event to one endpoint, retried until it is delivered or given up. A runner claims due rows
 * with `FOR UPDATE SKIP LOCKED` and pushes `nextAttemptAt` past the attempt's timeout before it
 * sends (a lease): another runner never sends the same attempt at the same time, and a runner that
 * crashes mid-delivery leaves a row that comes due again — a retry, never a loss.
 *
 * `status`: 'pending' | 'delivered' | 'failed' (given up after 3 days, or the endpoint was disabled).
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    endpointId: uuid()
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: uuid()
      .notNull()
      .references(() => webhookEvents.id, { onDelete: "cascade" }),
    status: text().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastAttemptAt: timestamp({ withTimezone: true }),
    lastStatusCode: integer(),
    deliveredAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("webhook_deliveries_due").on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index().on(t.endpointId, t.createdAt),
    index().on(t.eventId),
    check("webhook_deliveries_status", sql`status in ('pending', 'delivered', 'failed')`),
  ],
);

/**
 * One attempt of a delivery, for the delivery log: the request's headers as sent (signatures are
 * not secrets), the response's status, its body cut at 4 kB, the time it took, or why it failed.
 */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: uuid().primaryKey().defaultRandom(),
    deliveryId: uuid()
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attemptedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    durationMs: integer().notNull(),
    requestHeaders: jsonb().$type<Record<string, string>>().notNull(),
    requestBody: text().notNull(),
    statusCode: integer(),
    responseBody: text(),
    error: text(),
  },
  (t) => [index().on(t.deliveryId, t.attemptedAt)],
);
