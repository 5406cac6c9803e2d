import "server-only";
import { sql } from "drizzle-orm";
import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { apiProduct, onboardingStatus, organisationKind } from "./enums";

/** A customer of the bank: one private holder, or a business with companies. */
export const organisations = pgTable("organisations", {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  kind: organisationKind().notNull(),
  status: onboardingStatus().notNull().default("pending"),
  /** The API products the bank has enabled for this organisation. */
  products: apiProduct().array().notNull().default(sql`'{}'`),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  approvedAt: timestamp({ withTimezone: true }),
  /** Maker-checker: a key that can move money needs a second member's approval before it works. */
  keyApprovalRequired: boolean().notNull().default(false),
  /** Actions that move money, or make keys that can, need a passkey: the PIN alone is refused. */
  requirePasskeyForMoney: boolean().notNull().default(false),
});

/** A business unit or merchant account of a business organisation; it owns accounts. */
export const companies = pgTable(
  "companies",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id),
    name: text().notNull(),
    registrationNumber: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.orgId), uniqueIndex().on(t.orgId, t.name)],
);

/**
 * A "connection": one client ID and client secret; API keys belong to it.
 * The secret is kept only as a SHA-256 hash, with its last four characters for recognition.
 */
export const applications = pgTable(
  "applications",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id),
    name: text().notNull(),
    clientId: text().notNull().unique(),
    clientSecretHash: text().notNull(),
    clientSecretLast4: text().notNull(),
    secretRotatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.orgId), uniqueIndex().on(t.orgId, t.name)],
);
