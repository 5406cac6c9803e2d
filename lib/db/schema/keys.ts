import "server-only";
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { accounts } from "./banking";
import { keyMode } from "./enums";
import { applications, companies, organisations } from "./organisations";
import { users } from "./users";

/**
 * An API key. Only the SHA-256 hash of the secret is stored; `prefix` is the non-secret start
 * shown in lists (`lk_live_4f9a`). Deleted keys keep their row as a tombstone (`revokedAt`).
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id),
    applicationId: uuid()
      .notNull()
      .references(() => applications.id),
    alias: text().notNull(),
    description: text(),
    mode: keyMode().notNull(),
    prefix: text().notNull(),
    secretHash: text().notNull(),
    /** `entity:view` / `entity:edit` grants; fixed once the key is created. */
    permissions: text().array().notNull().default(sql`'{}'`),
    /** Addresses and CIDR ranges the key may be used from, in canonical form; empty: anywhere. */
    allowedIps: text().array().notNull().default(sql`'{}'`),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    renewedAt: timestamp({ withTimezone: true }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    revokedBy: uuid().references(() => users.id),
    /**
     * The secret a regeneration with an overlap replaced: it keeps working until
     * `previousSecretExpiresAt`, then never again. Null when there is no overlap running.
     */
    previousSecretHash: text(),
    previousPrefix: text(),
    previousSecretExpiresAt: timestamp({ withTimezone: true }),
    previousSecretLastUsedAt: timestamp({ withTimezone: true }),
    /** Payment limits, in minor units of the source account's currency; null: no limit. */
    maxPerPayment: bigint({ mode: "bigint" }),
    maxPerDay: bigint({ mode: "bigint" }),
    /**
     * Maker-checker: set while the key waits for a second member's approval (the API refuses it
     * meanwhile); null once approved, or for a key that never needed it.
     */
    pendingApprovalSince: timestamp({ withTimezone: true }),
    approvedBy: uuid().references(() => users.id),
    approvedAt: timestamp({ withTimezone: true }),
    /**
     * Set when the key's secret was found in public (a secret-scanning partner's report, or a member's
     * "Report as leaked"): the API refuses it with `key_leaked` and it cannot be renewed, only
     * regenerated (which clears the leak) or deleted. Where it was found and by whom stay with it.
     */
    leakedAt: timestamp({ withTimezone: true }),
    leakUrl: text(),
    leakSource: text(),
    /** The member who reported it by hand; null for a scanning partner's report. */
    leakReportedBy: uuid().references(() => users.id),
    /**
     * A key renewed as a narrower key keeps working until `retiresAt` (the overlap its renewer chose),
     * then is refused like a deleted one; the jobs turn it into a tombstone. `replacedBy` is the new key.
     */
    retiresAt: timestamp({ withTimezone: true }),
    replacedBy: uuid().references((): AnyPgColumn => apiKeys.id),
    /**
     * Since when the key's use of each permission is known (api_key_permission_use): its creation,
     * or for a key older than that record, the day the record began. "Unused" never reaches further back.
     */
    usageTrackedSince: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex().on(t.secretHash),
    uniqueIndex("api_keys_previous_secret_hash_unique").on(t.previousSecretHash).where(sql`previous_secret_hash is not null`),
    index("api_keys_pending_approval").on(t.pendingApprovalSince).where(sql`pending_approval_since is not null and revoked_at is null`),
    check("api_keys_limits_positive", sql`(max_per_payment is null or max_per_payment > 0) and (max_per_day is null or max_per_day > 0)`),
    index().on(t.orgId),
    index().on(t.applicationId),
    index("api_keys_retiring").on(t.retiresAt).where(sql`retires_at is not null and revoked_at is null`),
    // An alias is unique among the application's keys that still exist.
    uniqueIndex("api_keys_alias_live_unique").on(t.applicationId, t.alias).where(sql`revoked_at is null`),
    // The key list's order (newest first), read a page at a time; its bounded count reads these entries
    // alone (retires_at, which says whether a key still exists, is here for that).
    index("api_keys_list_order").on(t.orgId, t.createdAt.desc().nullsFirst(), t.alias, t.id, t.retiresAt).where(sql`revoked_at is null`),
    // Keys by expiry: the banner's frozen and expiring counts, the keys "Renew all" renews (soonest first), and
    // the status filters — none of which counts a leaked key.
    index("api_keys_list_expiry").on(t.orgId, t.expiresAt, t.id, t.retiresAt).where(sql`revoked_at is null and leaked_at is null`),
    // The leaked banner's count and filter: few keys, found without reading the organisation's others.
    index("api_keys_list_leaked").on(t.orgId).where(sql`leaked_at is not null and revoked_at is null`),
  ],
);

export const apiKeyAccounts = pgTable(
  "api_key_accounts",
  {
    keyId: uuid()
      .notNull()
      .references(() => apiKeys.id),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.accountId] }), index().on(t.accountId)],
);

/** For business organisations: the companies a key was given (their accounts follow). */
export const apiKeyCompanies = pgTable(
  "api_key_companies",
  {
    keyId: uuid()
      .notNull()
      .references(() => apiKeys.id),
    companyId: uuid()
      .notNull()
      .references(() => companies.id),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.companyId] }), index().on(t.companyId)],
);

/** Opaque bearer tokens from the client-credentials grant, stored hashed; they die with their key. */
export const accessTokens = pgTable(
  "access_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    tokenHash: text().notNull(),
    keyId: uuid()
      .notNull()
      .references(() => apiKeys.id),
    applicationId: uuid()
      .notNull()
      .references(() => applications.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex().on(t.tokenHash), index().on(t.keyId)],
);

/** Stored results of requests sent with an `Idempotency-Key` header, per API key. */
export const idempotencyRecords = pgTable(
  "idempotency_records",
  {
    keyId: uuid()
      .notNull()
      .references(() => apiKeys.id),
    idempotencyKey: text().notNull(),
    requestHash: text().notNull(),
    responseStatus: integer().notNull(),
    responseBody: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.idempotencyKey] })],
);

/**
 * How much a key has moved per UTC day and currency, against its daily limit. A row is written in
 * the same transaction as the debit or the pending payment it counts, under a row lock, so
 * concurrent calls never exceed the limit; a rejected payment gives its amount back.
 */
export const apiKeyDailyUse = pgTable(
  "api_key_daily_use",
  {
    keyId: uuid()
      .notNull()
      .references(() => apiKeys.id),
    day: date({ mode: "string" }).notNull(),
    currency: varchar({ length: 3 }).notNull(),
    used: bigint({ mode: "bigint" }).notNull().default(sql`0`),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.day, t.currency] }), check("api_key_daily_use_not_negative", sql`used >= 0`)],
);

/** Route outcome classes the usage counts keep: 2xx, 4xx and 5xx (a 3xx or 1xx counts as 2xx). */
export const USAGE_OUTCOMES = ["2xx", "4xx", "5xx"] as const;

/**
 * API calls per key, route template, outcome class and UTC day. The API counts in memory and adds
 * its counts here in one statement per flush (lib/api/usage.ts), so a call costs no write; several
 * instances add to the same rows.
 */
export const apiKeyUsage = pgTable(
  "api_key_usage",
  {
    keyId: uuid()
      .notNull()
      .references(() => apiKeys.id),
    day: date({ mode: "string" }).notNull(),
    /** The endpoint's declared path template, e.g. `/api/v1/accounts/{id}/balance`. */
    route: text().notNull(),
    outcome: text({ enum: USAGE_OUTCOMES }).notNull(),
    calls: bigint({ mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.keyId, t.day, t.route, t.outcome] }),
    check("api_key_usage_outcome", sql`outcome in ('2xx', '4xx', '5xx')`),
    check("api_key_usage_calls_positive", sql`calls > 0`),
    // The jobs' pruning of old days reads this, not the whole table.
    index("api_key_usage_day").on(t.day),
  ],
);

/**
 * When a key last used each of its permissions: a call the permission let through. Written with
 * the usage counts; what "renew as a narrower key" and the key page read.
 */
export const apiKeyPermissionUse = pgTable(
  "api_key_permission_use",
  {
    keyId: uuid()
      .notNull()
      .references(() => apiKeys.id),
    permission: text().notNull(),
    lastUsedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.permission] })],
);
