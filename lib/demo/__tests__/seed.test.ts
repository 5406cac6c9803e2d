import { and, count, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { accounts, applications, cards, companies, memberships, organisations, roles, transactions, users } from "@/lib/db/schema";
import { DEMO_PASSWORD, DEMO_PEOPLE, ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData, type SeedResult } from "@/lib/demo/seed";
import { sha256Hex, verifySecret } from "@/lib/security/hashing";
import { db } from "@/lib/test/helpers";

describe("demo data", () => {
  let first: SeedResult;
  beforeAll(async () => {
    first = await seedDemoData(db());
  });

  async function org(name: string) {
    const [row] = await db().select().from(organisations).where(eq(organisations.name, name));
    if (!row) throw new Error(`missing ${name}`);
    return row;
  }

  it("seeds the three organisations with their onboarding state and products", async () => {
    const nkosi = await org(ORG_NAMES.nkosi);
    const acme = await org(ORG_NAMES.acme);
    const pending = await org(ORG_NAMES.pending);
    expect([nkosi.kind, nkosi.status, [...nkosi.products].sort()]).toEqual(["private", "approved", ["account_information", "cards", "payments"]]);
    expect([acme.kind, acme.status]).toEqual(["business", "approved"]);
    expect([pending.kind, pending.status, pending.products]).toEqual(["business", "pending", []]);
  });

  it("gives Nkosi three live ZAR accounts and two test accounts with six months of history", async () => {
    const nkosi = await org(ORG_NAMES.nkosi);
    const rows = await db().select().from(accounts).where(eq(accounts.orgId, nkosi.id));
    expect(rows.filter((a) => a.mode === "live" && a.currency === "ZAR")).toHaveLength(3);
    expect(rows.filter((a) => a.mode === "test")).toHaveLength(2);
    const current = rows.find((a) => a.name === "Private Bank Account")!;
    const [span] = await db()
      .select({ first: sql<string>`min(posted_at)`, last: sql<string>`max(posted_at)`, n: count() })
      .from(transactions)
      .where(eq(transactions.accountId, current.id));
    const days = (new Date(span!.last).getTime() - new Date(span!.first).getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(170);
    expect(span!.n).toBeGreaterThan(100);
  });

  it("keeps every balance equal to the sum of its transactions, and never below zero", async () => {
    const result = await db().execute<{ id: string; balance: string; total: string; last_after: string; min_after: string }>(sql`
      select a.id, a.balance::text, coalesce(sum(t.amount), 0)::text as total,
        (select t2.balance_after::text from transactions t2 where t2.account_id = a.id order by t2.posted_at desc, t2.balance_after limit 1) as last_after,
        min(t.balance_after)::text as min_after
      from accounts a left join transactions t on t.account_id = a.id group by a.id`);
    // Nkosi 5, Acme 12, Pending Ventures 2.
    expect(result.rows.length).toBe(5 + 12 + 2);
    for (const row of result.rows) {
      expect(row.total).toBe(row.balance);
      expect(BigInt(row.min_after)).toBeGreaterThanOrEqual(0n);
    }
  });

  it("gives Acme two companies, each with ZAR, USD and EUR accounts live and test, and two applications", async () => {
    const acme = await org(ORG_NAMES.acme);
    const comps = await db().select().from(companies).where(eq(companies.orgId, acme.id));
    expect(comps.map((c) => c.name).sort()).toEqual(["Acme Logistics (Pty) Ltd", "Acme Retail (Pty) Ltd"]);
    for (const company of comps) {
      const rows = await db().select().from(accounts).where(eq(accounts.companyId, company.id));
      expect(rows.map((a) => `${a.currency}/${a.mode}`).sort()).toEqual(["EUR/live", "EUR/test", "USD/live", "USD/test", "ZAR/live", "ZAR/test"]);
    }
    const apps = await db().select().from(applications).where(eq(applications.orgId, acme.id));
    expect(apps.map((a) => a.name).sort()).toEqual(["ERP integration", "Treasury bot"]);
    expect(await db().$count(cards, eq(cards.orgId, acme.id))).toBe(2);
  });

  it("gives Acme one member in each built-in role and one in the custom Key renewer role", async () => {
    const acme = await org(ORG_NAMES.acme);
    const rows = await db()
      .select({ email: users.email, role: roles.name, permissions: roles.permissions, builtIn: roles.builtIn })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .innerJoin(roles, eq(roles.id, memberships.roleId))
      .where(eq(memberships.orgId, acme.id));
    expect(rows.map((r) => r.role).sort()).toEqual(["Admin", "Developer", "Key renewer", "Superadmin", "Viewer"]);
    const renewer = rows.find((r) => r.role === "Key renewer")!;
    expect(renewer.builtIn).toBeNull();
    expect([...renewer.permissions].sort()).toEqual(["keys:renew", "keys:view"]);
  });

  it("stores passwords and PINs only as Argon2id hashes that verify against the printed values", async () => {
    for (const person of DEMO_PEOPLE) {
      const [user] = await db().select().from(users).where(eq(users.email, person.email));
      expect(user, person.email).toBeDefined();
      expect(user!.passwordHash.startsWith("$argon2id$")).toBe(true);
      expect(user!.pinHash?.startsWith("$argon2id$")).toBe(true);
      expect(await verifySecret(user!.passwordHash, DEMO_PASSWORD)).toBe(true);
      expect(await verifySecret(user!.pinHash!, person.pin)).toBe(true);
      expect(user!.isOperator).toBe(person.operator === true);
    }
  });

  it("keeps application secrets only as hashes and returns each once", async () => {
    expect(first.seeded).toBe(true);
    if (!first.seeded) return;
    expect(first.applications).toHaveLength(3);
    for (const app of first.applications) {
      const [row] = await db().select().from(applications).where(eq(applications.clientId, app.clientId));
      expect(row!.clientSecretHash).toBe(sha256Hex(app.clientSecret));
      expect(row!.clientSecretHash).not.toContain(app.clientSecret);
      expect(row!.clientSecretLast4).toBe(app.clientSecret.slice(-4));
      expect(app.clientSecret).toMatch(/^lkcs_[0-9A-Za-z]{40}$/);
    }
  });

  it("is idempotent: a second run changes nothing", async () => {
    const before = await db().$count(transactions);
    const again = await seedDemoData(db());
    expect(again.seeded).toBe(false);
    expect(await db().$count(transactions)).toBe(before);
    expect(await db().$count(organisations)).toBe(3);
    const operator = await db()
      .select()
      .from(users)
      .where(and(eq(users.isOperator, true)));
    expect(operator).toHaveLength(1);
  });
});
