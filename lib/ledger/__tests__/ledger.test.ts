import { eq, inArray, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { accounts, apiKeyAccounts, payments, transactions, transfers } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import {
  executePayment,
  keyAccountScope,
  LedgerRefusal,
  lockTransfer,
  organisationAccountScope,
  postTransfer,
  transfer,
  type TransferLegs,
} from "@/lib/ledger";
import { db } from "@/lib/test/helpers";
import { makeKey } from "@/lib/test/keys";

type Account = typeof accounts.$inferSelect;
const accountNamed = async (name: string) => (await db().select().from(accounts).where(eq(accounts.name, name)))[0]!;
const balances = async (ids: string[]) =>
  new Map((await db().select({ id: accounts.id, balance: accounts.balance }).from(accounts).where(inArray(accounts.id, ids))).map((r) => [r.id, r.balance]));

/** The refusal's reason, or "posted". */
const outcome = (work: Promise<unknown>) =>
  work.then(
    () => "posted",
    (error: unknown) => (error instanceof LedgerRefusal ? error.detail.reason : Promise.reject(error)),
  );

let retailZar: Account;
let retailUsd: Account;
let logisticsZar: Account;
let foreign: Account;
let scope: ReturnType<typeof keyAccountScope>;
let pots: Account[];

beforeAll(async () => {
  await seedDemoData(db());
  retailZar = await accountNamed("Acme Retail ZAR operating");
  retailUsd = await accountNamed("Acme Retail USD FX");
  logisticsZar = await accountNamed("Acme Logistics ZAR operating");
  foreign = await accountNamed("Private Bank Account");
  pots = [];
  for (let i = 0; i < 3; i++) {
    const [pot] = await db()
      .insert(accounts)
      .values({
        orgId: retailZar.orgId,
        companyId: retailZar.companyId,
        name: `Ledger pot ${i}`,
        number: `9998880000${i}`,
        currency: "ZAR",
        mode: "live",
        balance: 100_000n,
      })
      .returning();
    pots.push(pot!);
  }
  const key = await makeKey("naledi@acme.example", {
    permissions: ["transfers:edit"],
    companyIds: [retailZar.companyId],
    accountIds: [retailZar.id, retailUsd.id],
  });
  await db()
    .insert(apiKeyAccounts)
    .values(pots.map((p) => ({ keyId: key.id, accountId: p.id })));
  scope = keyAccountScope({ orgId: retailZar.orgId, keyId: key.id, mode: "live" });
});

describe("the ledger checks both ends of a transfer against the scope it is given", () => {
  it("refuses each end outside the scope, the self-transfer (in any letter case) and a currency change, writing nothing", async () => {
    const before = await balances([retailZar.id, logisticsZar.id, foreign.id, retailUsd.id]);
    const order = (fromAccountId: string, toAccountId: string) => ({
      fromAccountId,
      toAccountId,
      amount: 100,
      reference: "Ledger check",
      createdByKeyId: scope.keyId,
    });
    const attempt = (fromAccountId: string, toAccountId: string) => outcome(db().transaction((tx) => transfer(tx, scope, order(fromAccountId, toAccountId))));
    expect(await attempt(retailZar.id, logisticsZar.id)).toBe("account_not_allowed");
    expect(await attempt(retailZar.id, foreign.id)).toBe("account_not_found");
    expect(await attempt(logisticsZar.id, retailZar.id)).toBe("account_not_allowed");
    expect(await attempt(foreign.id, retailZar.id)).toBe("account_not_found");
    expect(await attempt(retailZar.id, "not-a-uuid")).toBe("account_not_found");
    expect(await attempt(retailZar.id, retailZar.id.toUpperCase())).toBe("same_account");
    expect(await attempt(retailZar.id, retailUsd.id)).toBe("currency_mismatch");
    // The organisation's scope reaches every account of the organisation, and no other's.
    const organisation = organisationAccountScope(retailZar.orgId);
    expect(await outcome(db().transaction((tx) => lockTransfer(tx, organisation, { fromAccountId: retailZar.id, toAccountId: foreign.id })))).toBe(
      "account_not_found",
    );
    expect(await balances([retailZar.id, logisticsZar.id, foreign.id, retailUsd.id])).toEqual(before);
    expect(await db().$count(transfers)).toBe(0);
  });

  it("posts only along legs it checked: a hand-made pair of accounts is refused before anything is written", async () => {
    const forged = { from: retailZar, to: foreign } as unknown as TransferLegs;
    const count = await db().$count(transactions);
    await expect(db().transaction((tx) => postTransfer(tx, forged, { amount: 1, reference: "Forged", createdByKeyId: null }))).rejects.toThrow(
      /only along legs that lockTransfer checked/,
    );
    expect(await db().$count(transactions)).toBe(count);
    // @ts-expect-error — a plain account row is not a checked leg: this does not compile.
    const untyped: TransferLegs = { from: retailZar, to: foreign };
    expect(untyped.from.id).toBe(retailZar.id);
  });

  it("refuses an overdraft and moves nothing; a covered transfer moves the amount with both statement lines", async () => {
    const [from, to] = pots;
    expect(
      await outcome(
        db().transaction((tx) =>
          transfer(tx, scope, { fromAccountId: from!.id, toAccountId: to!.id, amount: 100_001, reference: "Too much", createdByKeyId: null }),
        ),
      ),
    ).toBe("insufficient_funds");
    expect(await balances([from!.id, to!.id])).toEqual(
      new Map([
        [from!.id, 100_000n],
        [to!.id, 100_000n],
      ]),
    );
    const posted = await db().transaction((tx) =>
      transfer(tx, scope, { fromAccountId: from!.id, toAccountId: to!.id, amount: 100_000, reference: "All of it", createdByKeyId: null }),
    );
    expect([posted.transfer.amount, posted.transfer.currency, posted.transfer.orgId]).toEqual([100_000n, "ZAR", retailZar.orgId]);
    expect(await balances([from!.id, to!.id])).toEqual(
      new Map([
        [from!.id, 0n],
        [to!.id, 200_000n],
      ]),
    );
    const lines = await db()
      .select()
      .from(transactions)
      .where(inArray(transactions.accountId, [from!.id, to!.id]));
    expect(lines.map((l) => [l.description, l.amount, l.balanceAfter]).sort()).toEqual([
      ["TRANSFER from Ledger pot 0: All of it", 100_000n, 200_000n],
      ["TRANSFER to Ledger pot 1: All of it", -100_000n, 0n],
    ]);
    // Back as they were, for the next case.
    await db().transaction((tx) =>
      transfer(tx, scope, { fromAccountId: to!.id, toAccountId: from!.id, amount: 100_000, reference: "Back", createdByKeyId: null }),
    );
  });
});

describe("money is conserved under concurrency", () => {
  it("400 transfers in every direction and 40 payment approvals at once: no deadlock, no cent made or lost, no overdraft", async () => {
    const pool = [retailZar, ...pots];
    const ids = pool.map((a) => a.id);
    const before = await balances(ids);
    const totalBefore = [...before.values()].reduce((a, b) => a + b, 0n);
    const pending = await db()
      .insert(payments)
      .values(
        Array.from({ length: 40 }, (_, i) => ({
          orgId: retailZar.orgId,
          accountId: pots[i % 3]!.id,
          amount: BigInt(5_000 + i * 100),
          currency: "ZAR",
          beneficiaryName: "Conserved Ltd",
          beneficiaryAccountNumber: "62000000001",
          beneficiaryBankCode: "250655",
          reference: `P${i}`,
        })),
      )
      .returning();
    const approver = (await db().select({ id: sql<string>`id` }).from(sql`users`).where(sql`email = 'naledi@acme.example'`))[0]!.id;
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const work: Promise<string>[] = [];
    const started = Date.now();
    for (let i = 0; i < 400; i++) {
      const from = pool[Math.floor(random() * pool.length)]!;
      const to = pool[(pool.indexOf(from) + 1 + Math.floor(random() * (pool.length - 1))) % pool.length]!;
      const amount = 1 + Math.floor(random() * 60_000);
      work.push(
        outcome(
          db().transaction((tx) => transfer(tx, scope, { fromAccountId: from.id, toAccountId: to.id, amount, reference: "stress", createdByKeyId: null })),
        ),
      );
      if (i % 10 === 0) {
        const payment = pending[i / 10]!;
        work.push(
          outcome(db().transaction((tx) => executePayment(tx, organisationAccountScope(retailZar.orgId), { paymentId: payment.id, decidedBy: approver }))),
        );
      }
    }
    const outcomes = await Promise.all(work);
    const elapsed = Date.now() - started;
    const counts: Record<string, number> = {};
    for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
    console.log(`ledger stress (${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}): ${work.length} operations in ${elapsed} ms, ${JSON.stringify(counts)}`);
    expect(Object.keys(counts).sort()).toEqual(["insufficient_funds", "posted"]);
    expect(counts.posted!).toBeGreaterThan(200);

    const after = await balances(ids);
    const executed = await db()
      .select()
      .from(payments)
      .where(
        inArray(
          payments.id,
          pending.map((p) => p.id),
        ),
      );
    const paidOut = executed.filter((p) => p.status === "executed").reduce((a, p) => a + p.amount, 0n);
    expect(executed.every((p) => (p.status === "executed") === (p.transactionId !== null))).toBe(true);
    expect([...after.values()].reduce((a, b) => a + b, 0n) + paidOut).toBe(totalBefore);
    expect([...after.values()].every((b) => b >= 0n)).toBe(true);
    // Each account's statement lines add up to the change in its balance, and the last line's balance is the balance.
    for (const id of ids) {
      const [{ sum }] = (
        await db().execute<{ sum: string }>(
          sql`select coalesce(sum(amount), 0)::text as sum from transactions where account_id = ${id} and created_at >= to_timestamp(${started / 1000})`,
        )
      ).rows as [{ sum: string }];
      expect(before.get(id)! + BigInt(sum), id).toBe(after.get(id));
    }
  }, 180_000);
});
