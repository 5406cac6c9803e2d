import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createTransfer } from "@/lib/api/money";
import { accounts, auditEvents, idempotencyRecords, transfers } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { call } from "@/lib/test/api";
import { db } from "@/lib/test/helpers";
import { makeKey } from "@/lib/test/keys";

type Account = typeof accounts.$inferSelect;
const accountNamed = async (name: string) => (await db().select().from(accounts).where(eq(accounts.name, name)))[0]!;

/** What a refused transfer must leave untouched: every balance, and every table a transfer writes to. */
async function ledgerSnapshot() {
  const result = await db().execute(sql`
    select (select json_agg(json_build_object('id', id, 'balance', balance::text) order by id) from accounts)::text as balances,
           (select count(*) from transfers)::int as transfers,
           (select count(*) from transactions)::int as transactions,
           (select count(*) from idempotency_records)::int as idempotency,
           (select count(*) from audit_events where action = 'api.transfer')::int as audited`);
  return result.rows[0];
}

let source: Account;
let sameOrgOutOfScope: Account;
let sameOrgSandbox: Account;
let otherOrg: Account;
let key: string;

beforeAll(async () => {
  await seedDemoData(db());
  source = await accountNamed("Acme Retail ZAR operating");
  sameOrgOutOfScope = await accountNamed("Acme Logistics ZAR operating");
  sameOrgSandbox = await accountNamed("Acme Retail ZAR sandbox");
  otherOrg = await accountNamed("Private Bank Account");
  // A key given exactly one account, Acme Retail's live ZAR one.
  ({ key } = await makeKey("naledi@acme.example", { permissions: ["transfers:edit"], companyIds: [source.companyId], accountIds: [source.id] }));
});

describe("a transfer's destination must be within the key's accounts", () => {
  it("the destinations are all ZAR, like the source, so only the scope can refuse them", () => {
    expect([source.currency, sameOrgOutOfScope.currency, sameOrgSandbox.currency, otherOrg.currency]).toEqual(["ZAR", "ZAR", "ZAR", "ZAR"]);
    expect(sameOrgOutOfScope.orgId).toBe(source.orgId);
    expect(otherOrg.orgId).not.toBe(source.orgId);
  });

  it.each([
    ["an account of its own organisation it was not given", () => sameOrgOutOfScope, 403, "account_not_allowed", "This key may not use that account."],
    [
      "its organisation's account of the other mode",
      () => sameOrgSandbox,
      403,
      "account_not_allowed",
      "This key may not use that account (a live key sees only live accounts).",
    ],
    ["another organisation's account", () => otherOrg, 404, "not_found", "No such account."],
  ] as const)("refuses %s, writing nothing and moving no money", async (_, destination, status, code, message) => {
    const before = await ledgerSnapshot();
    for (const headers of [{}, { "idempotency-key": `scope-${destination().id}` }] as Record<string, string>[]) {
      const refused = await call(createTransfer, {
        path: `/api/v1/accounts/${source.id}/transfers`,
        key,
        params: { id: source.id },
        body: { toAccountId: destination().id, amount: 1_000, reference: "Out of scope" },
        headers,
      });
      expect([refused.status, refused.json.error.code, refused.json.error.message]).toEqual([status, code, message]);
    }
    expect(await ledgerSnapshot()).toEqual(before);
  });

  it("refuses the source itself as the destination by field, and a source outside the scope like a destination", async () => {
    const same = await call(createTransfer, { path: "/x", key, params: { id: source.id }, body: { toAccountId: source.id, amount: 1, reference: "Self" } });
    expect([same.status, same.json.error.fields]).toEqual([422, { toAccountId: "Choose a different account to transfer to" }]);
    // The same refusals from the other end: a source the key was not given.
    const fromOutside = await call(createTransfer, {
      path: "/x",
      key,
      params: { id: sameOrgOutOfScope.id },
      body: { toAccountId: source.id, amount: 1, reference: "In" },
    });
    expect([fromOutside.status, fromOutside.json.error.code]).toEqual([403, "account_not_allowed"]);
    const fromForeign = await call(createTransfer, {
      path: "/x",
      key,
      params: { id: otherOrg.id },
      body: { toAccountId: source.id, amount: 1, reference: "In" },
    });
    expect([fromForeign.status, fromForeign.json.error.code]).toEqual([404, "not_found"]);
    expect(await db().$count(transfers)).toBe(0);
    expect(await db().$count(auditEvents, eq(auditEvents.action, "api.transfer"))).toBe(0);
    expect(await db().$count(idempotencyRecords)).toBe(0);
  });
});
