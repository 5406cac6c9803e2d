import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { asc, count, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db";
import * as schema from "@/lib/db/schema";
import { accounts, organisations, taxCertificates, transactions } from "@/lib/db/schema";
import { DEMO_PEOPLE, ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { db } from "@/lib/test/helpers";

const SEEDED_AT = new Date("2026-11-29T10:00:00Z");

async function certificates(database: Database = db()) {
  return database
    .select({
      accountId: taxCertificates.accountId,
      taxYear: taxCertificates.taxYear,
      kind: taxCertificates.kind,
      currency: taxCertificates.currency,
      interestEarned: taxCertificates.interestEarned,
      issuedAt: taxCertificates.issuedAt,
    })
    .from(taxCertificates)
    .orderBy(asc(taxCertificates.accountId), asc(taxCertificates.taxYear));
}

describe("the demo's tax certificates", () => {
  beforeAll(async () => {
    await seedDemoData(db(), SEEDED_AT);
  });

  it("gives every demo account an interest certificate for each of the last two completed tax years, in its currency", async () => {
    const all = await db().select({ id: accounts.id, currency: accounts.currency, name: accounts.name }).from(accounts);
    expect(all).toHaveLength(5 + 12 + 2);
    const rows = await certificates();
    expect(rows).toHaveLength(all.length * 2);
    for (const account of all) {
      const own = rows.filter((r) => r.accountId === account.id);
      // Seeded on 29 November 2026, in tax year 2027: 2026 and 2025 are the completed ones.
      expect(own.map((r) => r.taxYear)).toEqual([2025, 2026]);
      for (const row of own) {
        expect([row.kind, row.currency]).toEqual(["interest", account.currency]);
        expect(row.interestEarned).toBeGreaterThan(0n);
        expect(row.issuedAt.toISOString()).toBe(`${row.taxYear}-03-14T06:00:00.000Z`);
      }
    }
  });

  it("pays savings accounts more interest than current accounts, at realistic rates", async () => {
    const named = async (name: string) => {
      const [account] = await db().select().from(accounts).where(eq(accounts.name, name));
      const [opening] = await db().select().from(transactions).where(eq(transactions.accountId, account!.id)).orderBy(asc(transactions.postedAt)).limit(1);
      const rows = (await certificates()).filter((r) => r.accountId === account!.id);
      return rows.map((r) => Number(r.interestEarned) / Number(opening!.amount));
    };
    for (const rate of await named("PrimeSaver")) expect(rate).toBeGreaterThan(0.05), expect(rate).toBeLessThan(0.09);
    for (const rate of await named("Private Bank Account")) expect(rate).toBeGreaterThan(0.003), expect(rate).toBeLessThan(0.01);
  });

  it("fills in missing certificates on the next seeding of an already seeded database, the same ones, and never twice", async () => {
    const before = await certificates();
    await db().delete(taxCertificates);
    expect(await db().$count(taxCertificates)).toBe(0);

    const again = await seedDemoData(db(), SEEDED_AT);
    expect(again.seeded).toBe(false);
    expect(await certificates()).toEqual(before);

    // Only some missing: only those are added.
    const [first] = await db().select({ id: taxCertificates.id }).from(taxCertificates).limit(1);
    await db().delete(taxCertificates).where(eq(taxCertificates.id, first!.id));
    await seedDemoData(db(), SEEDED_AT);
    expect(await certificates()).toEqual(before);

    // A third run adds nothing.
    await seedDemoData(db(), SEEDED_AT);
    const [{ n }] = (await db().select({ n: count() }).from(taxCertificates)) as [{ n: number }];
    expect(n).toBe(before.length);
    const duplicates = await db().execute(sql`select account_id, tax_year from tax_certificates group by 1, 2 having count(*) > 1`);
    expect(duplicates.rows).toEqual([]);
  });

  it("follows the date it runs on: once a tax year ends, the next seeding adds its certificates", async () => {
    const rows = await certificates();
    expect(rows.length).toBe((5 + 12 + 2) * 2);
    // 5 March 2027: tax year 2027 has just ended; its certificate is issued that day, not in the future.
    const march = new Date("2027-03-05T08:00:00Z");
    await seedDemoData(db(), march);
    const after = await certificates();
    expect(after.length).toBe(rows.length + rows.length / 2);
    const added = after.filter((r) => r.taxYear === 2027);
    expect(added.length).toBe(rows.length / 2);
    for (const row of added) expect(row.issuedAt.toISOString()).toBe(march.toISOString());
    await db().delete(taxCertificates).where(eq(taxCertificates.taxYear, 2027));
  });

  it("refuses a second certificate for the same account and year", async () => {
    const [row] = await db().select().from(taxCertificates).limit(1);
    await expect(
      db().insert(taxCertificates).values({ accountId: row!.accountId, taxYear: row!.taxYear, currency: row!.currency, interestEarned: 1n }),
    ).rejects.toThrow();
  });
});

describe("upgrading a database seeded before tax certificates existed", () => {
  let folder: string;
  let client: PGlite;
  let old: Database;
  afterAll(async () => {
    await client?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it("migrates with its data and gets the certificates on its next start", async () => {
    // The migrations as they were before this release: everything up to 0002.
    folder = mkdtempSync(path.join(os.tmpdir(), "latchkey-migrations-"));
    const journal = JSON.parse(readFileSync("drizzle/meta/_journal.json", "utf8")) as { entries: { tag: string }[] };
    const before = journal.entries.filter((e) => e.tag < "0003");
    expect(before.map((e) => e.tag.slice(0, 4))).toEqual(["0000", "0001", "0002"]);
    cpSync("drizzle", folder, { recursive: true });
    writeFileSync(path.join(folder, "meta/_journal.json"), JSON.stringify({ ...journal, entries: before }));

    client = new PGlite("memory://");
    old = drizzle({ client, schema, casing: "snake_case" }) as unknown as Database;
    await migrate(old as never, { migrationsFolder: folder });
    const tables = async () => (await old.execute<{ t: string | null }>(sql`select to_regclass('public.tax_certificates')::text as t`)).rows[0]!.t;
    expect(await tables()).toBeNull();

    // Demo data as an earlier release left it: a demo member, a demo organisation, an account with history.
    // Raw SQL: the tables as 0002 left them lack the columns later migrations add.
    const org = (
      await old.execute<{ id: string }>(
        sql`insert into organisations (name, kind, status, products) values (${ORG_NAMES.nkosi}, 'private', 'approved', '{account_information}') returning id`,
      )
    ).rows[0]!;
    await old.execute(sql`insert into users (email, name, password_hash) values (${DEMO_PEOPLE[0]!.email}, ${DEMO_PEOPLE[0]!.name}, 'unused')`);
    const [account] = await old
      .insert(accounts)
      .values({ orgId: org.id, name: "PrimeSaver", number: "10002123456", currency: "ZAR", mode: "live", balance: 18_400_000n })
      .returning();
    await old.insert(transactions).values({
      accountId: account!.id,
      postedAt: new Date("2026-06-01T00:00:00Z"),
      amount: 18_400_000n,
      currency: "ZAR",
      description: "Opening balance",
      type: "deposit",
      balanceAfter: 18_400_000n,
    });

    // The next start: all migrations, then the demo seeding, which finds the demo people already there.
    await migrate(old as never, { migrationsFolder: path.resolve("drizzle") });
    expect(await tables()).toBe("tax_certificates");
    const result = await seedDemoData(old, SEEDED_AT);
    expect(result.seeded).toBe(false);
    const rows = await certificates(old);
    expect(rows.map((r) => [r.accountId, r.taxYear, r.currency])).toEqual([
      [account!.id, 2025, "ZAR"],
      [account!.id, 2026, "ZAR"],
    ]);
    // Its organisation and account are untouched, and another start adds nothing.
    expect(await old.$count(organisations)).toBe(1);
    await seedDemoData(old, SEEDED_AT);
    expect(await old.$count(taxCertificates)).toBe(2);
  });
});
