import "server-only";
import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organisations } from "./organisations";

/** A person who signs in: a customer's member, or a bank operator. */
export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Stored lower-cased and trimmed. */
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text().notNull(),
    /** Argon2id hash of the 6-digit step-up PIN; null until the member sets it at first sign-in. */
    pinHash: text(),
    pinSetAt: timestamp({ withTimezone: true }),
    /** Consecutive wrong PINs; only a correct PIN resets it. */
    pinFailedAttempts: integer().notNull().default(0),
    pinLockedUntil: timestamp({ withTimezone: true }),
    /** Bank staff: approve organisations and enable products in the operator area. */
    isOperator: boolean().notNull().default(false),
    /** Sessions issued before this instant are void ("sign out everywhere"). */
    sessionsValidAfter: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp({ withTimezone: true }),
    /**
     * SHA-256 of a one-time set-up link (`npm run operator:create`): whoever holds the link chooses the
     * password and PIN once, before `setUpExpiresAt`. Null when no link is open.
     */
    setUpTokenHash: text(),
    setUpExpiresAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex().on(t.email), uniqueIndex().on(t.setUpTokenHash)],
);

/** A named set of member permissions in one organisation. Built-in roles carry a `builtIn` key. */
export const roles = pgTable(
  "roles",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id),
    name: text().notNull(),
    /** superadmin | admin | developer | viewer for the built-in roles; null for custom ones. */
    builtIn: text(),
    description: text(),
    permissions: text().array().notNull().default(sql`'{}'`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.orgId), uniqueIndex().on(t.orgId, t.name)],
);

export const memberships = pgTable(
  "memberships",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    roleId: uuid()
      .notNull()
      .references(() => roles.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.orgId, t.userId), index().on(t.userId), index().on(t.roleId)],
);

/**
 * Server-side record of each signed-in browser session. The encrypted session cookie carries only
 * the id; revoking the row signs that browser out on its next request.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    /** The organisation the member is working in; always one the user belongs to. */
    activeOrgId: uuid().references(() => organisations.id),
    ip: text(),
    userAgent: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Absolute end of the session, however active it is. */
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.userId)],
);

/**
 * An invitation to join an organisation with a role. The link's token is kept only as a SHA-256
 * hash; it works once, for seven days, unless withdrawn.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id),
    /** Stored lower-cased and trimmed. */
    email: text().notNull(),
    roleId: uuid()
      .notNull()
      .references(() => roles.id),
    tokenHash: text().notNull(),
    invitedBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    acceptedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex().on(t.tokenHash), index().on(t.orgId)],
);
