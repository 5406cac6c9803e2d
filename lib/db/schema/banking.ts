import "server-only";
import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { keyMode, paymentStatus, transactionType } from "./enums";
import { companies, organisations } from "./organisations";
import { users } from "./users";

/** A bank or currency account. Money is an integer number of minor units (cents). */
export const accounts = pgTable(
  "accounts",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id),
    /** Set for business organisations: the company that owns the account. */
    companyId: uuid().references(() => companies.id),
    name: text().notNull(),
    number: varchar({ length: 20 }).notNull(),
    currency: varchar({ length: 3 }).notNull(),
    /** `test` accounts are the sandbox that test-mode keys see. */
    mode: keyMode().notNull(),
    balance: bigint({ mode: "bigint" }).notNull().default(sql`0`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.orgId), index().on(t.companyId), uniqueIndex().on(t.number), check("accounts_balance_not_negative", sql`${t.balance} >= 0`)],
);

export const transactions = pgTable(
  "transactions",
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    postedAt: timestamp({ withTimezone: true }).notNull(),
    /** Negative for debits. */
    amount: bigint({ mode: "bigint" }).notNull(),
    currency: varchar({ length: 3 }).notNull(),
    description: text().notNull(),
    type: transactionType().notNull(),
    balanceAfter: bigint({ mode: "bigint" }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.accountId, t.postedAt)],
);

/** A card on an account, with its programmable code (PRODUCT.md "card_code"). */
export const cards = pgTable(
  "cards",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    name: text().notNull(),
    last4: varchar({ length: 4 }).notNull(),
    code: text().notNull().default(""),
    codeUpdatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.orgId), index().on(t.accountId)],
);

/** A payment to a beneficiary, created through the API; executed only after a member approves it. */
export const payments = pgTable(
  "payments",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    /** The API key that created it (no foreign key: keys are tombstoned, never removed). */
    createdByKeyId: uuid(),
    status: paymentStatus().notNull().default("pending_approval"),
    amount: bigint({ mode: "bigint" }).notNull(),
    currency: varchar({ length: 3 }).notNull(),
    beneficiaryName: text().notNull(),
    beneficiaryAccountNumber: text().notNull(),
    beneficiaryBankCode: text().notNull(),
    reference: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp({ withTimezone: true }),
    decidedBy: uuid().references(() => users.id),
    transactionId: uuid().references(() => transactions.id),
  },
  (t) => [index().on(t.orgId, t.status), index().on(t.accountId)],
);

/** A transfer between two of an organisation's own accounts, in one currency. */
export const transfers = pgTable(
  "transfers",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => organisations.id),
    fromAccountId: uuid()
      .notNull()
      .references(() => accounts.id),
    toAccountId: uuid()
      .notNull()
      .references(() => accounts.id),
    amount: bigint({ mode: "bigint" }).notNull(),
    currency: varchar({ length: 3 }).notNull(),
    reference: text().notNull(),
    createdByKeyId: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.orgId), index().on(t.fromAccountId), index().on(t.toAccountId)],
);

export const taxCertificateKind = pgEnum("tax_certificate_kind", ["interest"]);

/**
 * A yearly tax certificate of an account (PRODUCT.md "tax_certificates"): tax year 2026 runs from
 * 1 March 2025 to the end of February 2026. One per account, year and kind.
 */
export const taxCertificates = pgTable(
  "tax_certificates",
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    /** The calendar year in which the tax year ends. */
    taxYear: integer().notNull(),
    kind: taxCertificateKind().notNull().default("interest"),
    currency: varchar({ length: 3 }).notNull(),
    /** Interest earned over the tax year, in minor units. */
    interestEarned: bigint({ mode: "bigint" }).notNull(),
    issuedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Leads with the account: it is also the index of the foreign key.
    uniqueIndex().on(t.accountId, t.taxYear),
    check("tax_certificates_tax_year_range", sql`${t.taxYear} between 2000 and 2200`),
    check("tax_certificates_interest_not_negative", sql`${t.interestEarned} >= 0`),
  ],
);
