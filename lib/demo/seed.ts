import "server-only";
import { asc, eq, inArray, sql } from "drizzle-orm";
import { createApplication } from "@/lib/credentials/create-application";
import type { Database, Executor } from "@/lib/db";
import { completedTaxYears } from "@/lib/api/tax-year";
import {
  accounts,
  apiKeyAccounts,
  apiKeyCompanies,
  apiKeys,
  cards,
  companies,
  memberships,
  organisations,
  payments,
  roles,
  taxCertificates,
  transactions,
  users,
} from "@/lib/db/schema";
import { generateApiKey } from "@/lib/keys/key-format";
import { sha256Hex } from "@/lib/security/hashing";
import { createOrganisation } from "@/lib/organisations/create-organisation";
import { hashSecret } from "@/lib/security/hashing";
import { DEMO_PASSWORD, DEMO_PEOPLE, ORG_NAMES } from "./people";

type TransactionType = (typeof transactions.$inferInsert)["type"];

export interface SeededApplication {
  organisation: string;
  name: string;
  clientId: string;
  clientSecret: string;
}

export type SeedResult = { seeded: false } | { seeded: true; applications: SeededApplication[] };

/** Whether any of the demo people (whose password and PINs the README publishes) has a sign-in in this database. */
export async function demoPresent(db: Executor): Promise<boolean> {
  const existing = await db
    .select({ id: users.id })
    .from(users)
    .where(
      inArray(
        users.email,
        DEMO_PEOPLE.map((p) => p.email),
      ),
    )
    .limit(1);
  return existing.length > 0;
}

/**
 * Seeds the demo organisations when the database has none of them. Idempotent: a database that
 * already holds the demo people is left as it is — except for what later releases added to the demo
 * (tax certificates), which is filled in where missing. Everything is written in one transaction.
 */
export async function seedDemoData(db: Database, now = new Date()): Promise<SeedResult> {
  if (await demoPresent(db)) {
    await addMissingTaxCertificates(db, now);
    return { seeded: false };
  }

  // Argon2id is deliberately slow: hash before the transaction opens.
  const passwordHash = await hashSecret(DEMO_PASSWORD);
  const pinHashes = new Map<string, string>();
  for (const person of DEMO_PEOPLE) pinHashes.set(person.email, await hashSecret(person.pin));

  return db.transaction(async (tx) => {
    const rng = mulberry32(20261122);
    const numbers = accountNumbers(rng);
    const seededApplications: SeededApplication[] = [];
    const appIds: Record<string, string> = {};
    const userIds: Record<string, string> = {};
    const accountIds: Record<string, string> = {};
    const companyIds: Record<string, string> = {};

    const nkosi = await createOrganisation(tx, {
      name: ORG_NAMES.nkosi,
      kind: "private",
      status: "approved",
      products: ["account_information", "payments", "cards"],
    });
    const acme = await createOrganisation(tx, {
      name: ORG_NAMES.acme,
      kind: "business",
      status: "approved",
      products: ["account_information", "payments", "cards"],
    });
    const pending = await createOrganisation(tx, {
      name: ORG_NAMES.pending,
      kind: "business",
      status: "pending",
      products: [],
    });
    const [keyRenewer] = await tx
      .insert(roles)
      .values({
        orgId: acme.id,
        name: "Key renewer",
        description: "Keeps integrations running: sees the keys and renews them before they freeze.",
        permissions: ["keys:view", "keys:renew"],
      })
      .returning({ id: roles.id });
    const orgs = { nkosi, acme, pending } as const;

    for (const [orgKey, appName] of [
      ["nkosi", "Individual connection"],
      ["acme", "ERP integration"],
      ["acme", "Treasury bot"],
    ] as const) {
      const app = await createApplication(tx, orgs[orgKey].id, appName);
      appIds[appName] = app.id;
      seededApplications.push({ organisation: ORG_NAMES[orgKey], name: appName, clientId: app.clientId, clientSecret: app.clientSecret });
    }

    for (const person of DEMO_PEOPLE) {
      const [user] = await tx
        .insert(users)
        .values({
          email: person.email,
          name: person.name,
          passwordHash,
          pinHash: pinHashes.get(person.email),
          pinSetAt: now,
          isOperator: person.operator ?? false,
        })
        .returning({ id: users.id });
      if (!user) throw new Error("user insert returned no row");
      userIds[person.email] = user.id;
      const grants = [...(person.org && person.role ? [{ org: person.org, role: person.role }] : []), ...(person.alsoIn ?? [])];
      for (const grant of grants) {
        const org = orgs[grant.org];
        const roleId = grant.role === "key-renewer" ? keyRenewer!.id : org.roleIds[grant.role];
        await tx.insert(memberships).values({ orgId: org.id, userId: user.id, roleId });
      }
    }

    // Nkosi Private Banking: three live ZAR accounts and two sandbox accounts.
    const nkosiAccounts = [
      { name: "Private Bank Account", profile: "personal-current", mode: "live", opening: 4_250_000 },
      { name: "PrimeSaver", profile: "personal-savings", mode: "live", opening: 18_400_000 },
      { name: "Tax Savings Account", profile: "personal-tax", mode: "live", opening: 6_100_000 },
      { name: "Sandbox Current", profile: "sandbox", mode: "test", opening: 10_000_000 },
      { name: "Sandbox Savings", profile: "sandbox", mode: "test", opening: 25_000_000 },
    ] as const;
    for (const spec of nkosiAccounts) {
      const id = await insertAccountWithHistory(tx, rng, now, {
        orgId: nkosi.id,
        companyId: null,
        name: spec.name,
        number: numbers.next(),
        currency: "ZAR",
        mode: spec.mode,
        profile: spec.profile,
        opening: spec.opening,
      });
      accountIds[spec.name] = id;
      if (spec.name === "Private Bank Account") {
        await tx.insert(cards).values({ orgId: nkosi.id, accountId: id, name: "Thabo's Visa Platinum", last4: "4821", code: CARD_CODE });
      }
    }

    // Acme Holdings: two companies, each with ZAR, USD and EUR accounts, live and sandbox.
    for (const companyName of ["Acme Retail (Pty) Ltd", "Acme Logistics (Pty) Ltd"]) {
      const [company] = await tx
        .insert(companies)
        .values({
          orgId: acme.id,
          name: companyName,
          registrationNumber: companyName.startsWith("Acme Retail") ? "2014/118273/07" : "2017/402915/07",
        })
        .returning({ id: companies.id });
      const short = companyName.replace(" (Pty) Ltd", "");
      companyIds[short] = company!.id;
      for (const currency of ["ZAR", "USD", "EUR"] as const) {
        for (const mode of ["live", "test"] as const) {
          const id = await insertAccountWithHistory(tx, rng, now, {
            orgId: acme.id,
            companyId: company!.id,
            name: `${short} ${currency}${mode === "test" ? " sandbox" : currency === "ZAR" ? " operating" : " FX"}`,
            number: numbers.next(),
            currency,
            mode,
            profile: mode === "test" ? "sandbox" : currency === "ZAR" ? "business-zar" : "business-fx",
            opening: mode === "test" ? 50_000_000 : currency === "ZAR" ? 185_000_000 : 9_500_000,
          });
          accountIds[`${short} ${currency} ${mode}`] = id;
          if (mode === "live" && currency === "ZAR") {
            await tx.insert(cards).values({
              orgId: acme.id,
              accountId: id,
              name: `${short} fleet card`,
              last4: short.includes("Retail") ? "7310" : "2904",
              code: CARD_CODE,
            });
          }
        }
      }
    }

    // Pending Ventures banks with us already; it waits for the bank to open API access.
    const [venturesCompany] = await tx
      .insert(companies)
      .values({ orgId: pending.id, name: "Pending Ventures (Pty) Ltd", registrationNumber: "2025/610442/07" })
      .returning({ id: companies.id });
    for (const mode of ["live", "test"] as const) {
      await insertAccountWithHistory(tx, rng, now, {
        orgId: pending.id,
        companyId: venturesCompany!.id,
        name: `Pending Ventures ZAR ${mode === "test" ? "sandbox" : "operating"}`,
        number: numbers.next(),
        currency: "ZAR",
        mode,
        profile: mode === "test" ? "sandbox" : "business-zar",
        opening: mode === "test" ? 50_000_000 : 12_500_000,
      });
    }

    // Keys in every state, so the list, the banner and renewals have something real to show.
    const DAY = 86_400_000;
    const demoKeys = [
      {
        org: nkosi.id,
        app: "Individual connection",
        by: "thabo@nkosi.example",
        alias: "Budget app",
        mode: "live",
        ageDays: 80,
        accounts: ["Private Bank Account", "PrimeSaver"],
        permissions: ["accounts:view", "balances:view", "transactions:view"],
      },
      {
        org: nkosi.id,
        app: "Individual connection",
        by: "thabo@nkosi.example",
        alias: "Tax return export",
        mode: "live",
        ageDays: 93,
        accounts: ["Tax Savings Account"],
        permissions: ["accounts:view", "statements:view", "transactions:view"],
      },
      {
        org: nkosi.id,
        app: "Individual connection",
        by: "thabo@nkosi.example",
        alias: "Card rules playground",
        mode: "test",
        ageDays: 12,
        accounts: ["Sandbox Current"],
        permissions: ["card_code:edit", "card_code:view"],
      },
      {
        org: acme.id,
        app: "ERP integration",
        by: "naledi@acme.example",
        alias: "ERP nightly sync",
        mode: "live",
        ageDays: 31,
        companies: ["Acme Retail"],
        accounts: ["Acme Retail ZAR live", "Acme Retail USD live"],
        permissions: ["accounts:view", "balances:view", "statements:view", "transactions:view"],
      },
      {
        org: acme.id,
        app: "ERP integration",
        by: "pieter@acme.example",
        alias: "Supplier payments",
        mode: "live",
        ageDays: 84,
        companies: ["Acme Retail", "Acme Logistics"],
        accounts: ["Acme Retail ZAR live", "Acme Logistics ZAR live"],
        permissions: ["accounts:view", "balances:view", "payments:edit", "payments:view"],
      },
      {
        org: acme.id,
        app: "Treasury bot",
        by: "naledi@acme.example",
        alias: "Treasury sweeps",
        mode: "live",
        ageDays: 8,
        companies: ["Acme Logistics"],
        accounts: ["Acme Logistics ZAR live", "Acme Logistics EUR live"],
        permissions: ["balances:view", "transfers:edit"],
      },
      {
        org: acme.id,
        app: "Treasury bot",
        by: "pieter@acme.example",
        alias: "Sandbox smoke tests",
        mode: "test",
        ageDays: 95,
        companies: ["Acme Retail"],
        accounts: ["Acme Retail ZAR test"],
        permissions: ["accounts:view", "balances:view", "transactions:view"],
      },
    ] as const;
    for (const spec of demoKeys) {
      const { key, prefix } = generateApiKey(spec.mode);
      const createdAt = new Date(now.getTime() - spec.ageDays * DAY);
      const [row] = await tx
        .insert(apiKeys)
        .values({
          orgId: spec.org,
          applicationId: appIds[spec.app]!,
          alias: spec.alias,
          mode: spec.mode,
          prefix,
          secretHash: sha256Hex(key),
          permissions: [...spec.permissions],
          createdBy: userIds[spec.by]!,
          createdAt,
          expiresAt: new Date(createdAt.getTime() + 90 * DAY),
          lastUsedAt: spec.ageDays > 1 ? new Date(now.getTime() - Math.min(spec.ageDays - 1, 2) * DAY - 3_600_000) : null,
        })
        .returning({ id: apiKeys.id });
      await tx.insert(apiKeyAccounts).values(spec.accounts.map((name) => ({ keyId: row!.id, accountId: accountIds[name]! })));
      if ("companies" in spec) {
        await tx.insert(apiKeyCompanies).values(spec.companies.map((name) => ({ keyId: row!.id, companyId: companyIds[name]! })));
      }
      if (spec.alias === "Supplier payments") {
        // Two payments the ERP created through the API, waiting for a member's approval.
        await tx.insert(payments).values([
          {
            orgId: acme.id,
            accountId: accountIds["Acme Retail ZAR live"]!,
            createdByKeyId: row!.id,
            amount: 1_875_000n,
            currency: "ZAR",
            beneficiaryName: "Nampak Packaging",
            beneficiaryAccountNumber: "62012345678",
            beneficiaryBankCode: "250655",
            reference: "INV-88213",
            createdAt: new Date(now.getTime() - 5 * 3_600_000),
          },
          {
            orgId: acme.id,
            accountId: accountIds["Acme Logistics ZAR live"]!,
            createdByKeyId: row!.id,
            amount: 432_050n,
            currency: "ZAR",
            beneficiaryName: "Imperial Logistics",
            beneficiaryAccountNumber: "40998877123",
            beneficiaryBankCode: "632005",
            reference: "Fuel Oct",
            createdAt: new Date(now.getTime() - 2 * 3_600_000),
          },
        ]);
      }
    }

    await addMissingTaxCertificates(tx, now);
    return { seeded: true as const, applications: seededApplications };
  });
}

/**
 * The interest certificates of the last two completed tax years, for every demo account that lacks
 * them: a database seeded before certificates existed gets them on its next start, and running it
 * again adds nothing (one certificate per account and year, by the unique index).
 */
export async function addMissingTaxCertificates(db: Executor, now = new Date()): Promise<number> {
  const demoAccounts = await db
    .select({
      id: accounts.id,
      name: accounts.name,
      number: accounts.number,
      currency: accounts.currency,
      opening: sql<string>`(select t.amount from ${transactions} t where t.account_id = ${accounts.id} order by t.posted_at, t.created_at limit 1)`,
    })
    .from(accounts)
    .innerJoin(organisations, eq(organisations.id, accounts.orgId))
    .where(inArray(organisations.name, Object.values(ORG_NAMES)))
    .orderBy(asc(accounts.number));
  const rows = demoAccounts.flatMap((account) =>
    completedTaxYears(now, 2).map((taxYear) => ({
      accountId: account.id,
      taxYear,
      kind: "interest" as const,
      currency: account.currency,
      interestEarned: demoInterest(account.name, account.number, Number(account.opening ?? 0), taxYear),
      // Issued a fortnight after the year ended, or now when that is still to come.
      issuedAt: new Date(Math.min(Date.UTC(taxYear, 2, 14, 6, 0, 0), now.getTime())),
    })),
  );
  if (rows.length === 0) return 0;
  const inserted = await db.insert(taxCertificates).values(rows).onConflictDoNothing().returning({ id: taxCertificates.id });
  return inserted.length;
}

/**
 * A year's interest on the account's opening deposit at a rate that suits the account (savings earn
 * about 7%, sandbox 3.5%, foreign currency 1.5%, current and operating accounts 0.5%), varied by a
 * stable hash of its number and the year: the same account always shows the same certificate.
 */
function demoInterest(name: string, number: string, opening: number, taxYear: number): bigint {
  const base = /sav/i.test(name) ? 0.07 : /sandbox/i.test(name) ? 0.035 : /\bFX\b/.test(name) ? 0.015 : 0.005;
  const jitter = 0.85 + (fnv1a(`${number}:${taxYear}`) % 3000) / 10_000; // 0.85 … 1.15
  return BigInt(Math.round(opening * base * jitter));
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

const CARD_CODE = `// Runs before every card transaction. Return false to decline.
const beforeTransaction = async (authorization) => {
  return authorization.merchant.category.code !== "7995"; // no gambling
};
`;

interface AccountSpec {
  orgId: string;
  companyId: string | null;
  name: string;
  number: string;
  currency: "ZAR" | "USD" | "EUR";
  mode: "live" | "test";
  profile: Profile;
  opening: number;
}

type Profile = "personal-current" | "personal-savings" | "personal-tax" | "business-zar" | "business-fx" | "sandbox";

interface Entry {
  postedAt: Date;
  amount: number;
  description: string;
  type: TransactionType;
}

async function insertAccountWithHistory(db: Executor, rng: () => number, now: Date, spec: AccountSpec): Promise<string> {
  const entries = historyFor(spec.profile, spec.currency, rng, now).sort((a, b) => a.postedAt.getTime() - b.postedAt.getTime());
  let balance = spec.opening;
  const rows: (typeof transactions.$inferInsert)[] = [];
  const opened = new Date(now.getTime() - 183 * DAY);
  rows.push({
    accountId: "",
    postedAt: opened,
    amount: BigInt(spec.opening),
    currency: spec.currency,
    description: "Opening balance",
    type: "deposit",
    balanceAfter: BigInt(spec.opening),
  });
  for (const entry of entries) {
    if (balance + entry.amount < 0) continue; // the bank would have declined it
    balance += entry.amount;
    rows.push({
      accountId: "",
      postedAt: entry.postedAt,
      amount: BigInt(entry.amount),
      currency: spec.currency,
      description: entry.description,
      type: entry.type,
      balanceAfter: BigInt(balance),
    });
  }
  const [account] = await db
    .insert(accounts)
    .values({
      orgId: spec.orgId,
      companyId: spec.companyId,
      name: spec.name,
      number: spec.number,
      currency: spec.currency,
      mode: spec.mode,
      balance: BigInt(balance),
      createdAt: opened,
    })
    .returning({ id: accounts.id });
  if (!account) throw new Error("account insert returned no row");
  for (let i = 0; i < rows.length; i += 500) {
    await db.insert(transactions).values(rows.slice(i, i + 500).map((r) => ({ ...r, accountId: account.id })));
  }
  return account.id;
}

const DAY = 24 * 60 * 60 * 1000;

/** Six months of plausible activity for one account, from a seeded generator (same data every run). */
function historyFor(profile: Profile, currency: string, rng: () => number, now: Date): Entry[] {
  const out: Entry[] = [];
  const between = (min: number, max: number) => Math.round(min + rng() * (max - min));
  const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)]!;
  const at = (monthsBack: number, day: number, hour = between(7, 19)) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, day, hour, between(0, 59), between(0, 59)));
    return d;
  };
  const add = (postedAt: Date, amount: number, description: string, type: TransactionType) => {
    if (postedAt.getTime() <= now.getTime() && postedAt.getTime() > now.getTime() - 182 * DAY) {
      out.push({ postedAt, amount, description, type });
    }
  };

  for (let m = 6; m >= 0; m--) {
    switch (profile) {
      case "personal-current": {
        add(at(m, 25, 6), 6_850_000, "SALARY Mthembu Engineering", "salary");
        add(at(m, 1, 5), -1_420_000, "DEBIT ORDER Home loan 3301-8842", "debit_order");
        add(at(m, 3, 5), -482_000, "DEBIT ORDER Discovery Health", "debit_order");
        add(at(m, 5, 5), -135_000, "DEBIT ORDER Old Mutual life cover", "debit_order");
        add(at(m, 15, 5), -69_900, "DEBIT ORDER Virgin Active", "debit_order");
        add(at(m, 20, 5), -19_900, "DEBIT ORDER Netflix", "debit_order");
        add(at(m, 26, 9), -800_000, "TRANSFER to PrimeSaver", "transfer");
        add(at(m, 10, 9), -300_000, "TRANSFER to Tax Savings Account", "transfer");
        add(at(m, 28, 23), -15_500, "Monthly account fee", "fee");
        const merchants = [
          ["Woolworths Food Rosebank", 35_000, 180_000],
          ["Checkers Sixty60", 25_000, 140_000],
          ["Engen Sandton fuel", 60_000, 120_000],
          ["Uber Eats", 9_000, 38_000],
          ["Takealot.com", 15_000, 260_000],
          ["Vida e Caffe", 4_500, 9_500],
          ["Dis-Chem Hyde Park", 12_000, 90_000],
          ["Uber trip", 6_000, 24_000],
        ] as const;
        for (let i = 0; i < 16; i++) {
          const [merchant, min, max] = pick(merchants);
          add(at(m, between(1, 28)), -between(min, max), `CARD ${merchant}`, "card");
        }
        break;
      }
      case "personal-savings":
        add(at(m, 26, 9), 800_000, "TRANSFER from Private Bank Account", "transfer");
        add(at(m, 28, 23), between(95_000, 110_000), "Interest", "interest");
        break;
      case "personal-tax":
        add(at(m, 10, 9), 300_000, "TRANSFER from Private Bank Account", "transfer");
        add(at(m, 28, 23), between(30_000, 40_000), "Interest", "interest");
        break;
      case "business-zar": {
        const customers = ["Pick n Pay Stores", "Shoprite Checkers", "Makro SA", "Spar Group", "Game Stores"];
        const suppliers = ["Tiger Brands", "Nampak Packaging", "Imperial Logistics", "Eskom", "City of Johannesburg", "Vodacom Business"];
        for (let i = 0; i < 9; i++) add(at(m, between(1, 28)), between(1_500_000, 9_800_000), `EFT received ${pick(customers)}`, "deposit");
        for (let i = 0; i < 7; i++) add(at(m, between(1, 28)), -between(800_000, 7_500_000), `EFT paid ${pick(suppliers)}`, "payment");
        add(at(m, 25, 6), -between(24_000_000, 26_500_000), "PAYROLL salaries run", "payment");
        add(at(m, 28, 23), -between(45_000, 62_000), "Business banking fees", "fee");
        break;
      }
      case "business-fx": {
        const partner = currency === "USD" ? "Walmart Global Sourcing" : "Rotterdam Freight BV";
        const supplier = currency === "USD" ? "Shenzhen Packaging Co" : "Hamburg Port Authority";
        add(at(m, between(2, 12)), between(1_200_000, 4_800_000), `SWIFT received ${partner}`, "deposit");
        add(at(m, between(14, 27)), -between(600_000, 3_900_000), `SWIFT paid ${supplier}`, "payment");
        add(at(m, 28, 23), -between(2_500, 4_500), "FX account fee", "fee");
        break;
      }
      case "sandbox":
        add(at(m, between(1, 14)), between(100_000, 900_000), "Sandbox deposit", "deposit");
        add(at(m, between(15, 28)), -between(50_000, 700_000), "Sandbox test payment", "payment");
        break;
    }
  }
  return out;
}

function accountNumbers(rng: () => number) {
  let serial = 0;
  return {
    next() {
      serial += 1;
      const body = String(Math.floor(rng() * 1_000_000)).padStart(6, "0");
      return `10${String(serial).padStart(3, "0")}${body}`;
    },
  };
}

/** A small deterministic PRNG for demo data only: never for secrets. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
