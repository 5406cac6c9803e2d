import { and, eq, inArray, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createPayment, createTransfer } from "@/lib/api/money";
import { AccessError } from "@/lib/auth/errors";
import { accounts, apiKeyDailyUse, auditEvents, transfers } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { type DomainError, NotFoundError } from "@/lib/errors";
import { createKey } from "@/lib/keys/create-key";
import { setKeyLimits } from "@/lib/keys/set-key-limits";
import { loadWizardOptions } from "@/lib/keys/wizard-options";
import { decidePayment } from "@/lib/payments/decide-payment";
import { parseMajorUnits } from "@/lib/schemas/key-limits";
import { call } from "@/lib/test/api";
import { actorFor, context, db } from "@/lib/test/helpers";
import { keyRow, keyTablesSnapshot, makeKey, pinOf, validKeyInput } from "@/lib/test/keys";

const THABO = "thabo@nkosi.example";
const MONEY = ["accounts:view", "balances:view", "transfers:edit", "payments:view", "payments:edit"];
let from: string;
let to: string;

/** A key of Thabo's over two of his live ZAR accounts, that can move money, with these limits. */
async function moneyKey(limits: { maxPerPayment?: number | null; maxPerDay?: number | null }) {
  return makeKey(THABO, { permissions: MONEY, accountIds: [from, to], ...limits });
}

const transfer = (key: string, amount: number, headers: Record<string, string> = {}) =>
  call(createTransfer, {
    path: `/api/v1/accounts/${from}/transfers`,
    key,
    params: { id: from },
    body: { toAccountId: to, amount, reference: "Limit test" },
    headers,
  });
const payment = (key: string, amount: number) =>
  call(createPayment, {
    path: `/api/v1/accounts/${from}/payments`,
    key,
    params: { id: from },
    body: { amount, beneficiaryName: "Landlord", accountNumber: "62000000001", bankCode: "250655", reference: "Rent" },
  });

async function usedToday(keyId: string): Promise<bigint> {
  const [row] = await db()
    .select({ used: apiKeyDailyUse.used })
    .from(apiKeyDailyUse)
    .where(and(eq(apiKeyDailyUse.keyId, keyId), eq(apiKeyDailyUse.day, sql`(now() at time zone 'UTC')::date`), eq(apiKeyDailyUse.currency, "ZAR")));
  return row?.used ?? 0n;
}

beforeAll(async () => {
  await seedDemoData(db());
  const options = await loadWizardOptions(db(), await actorFor(THABO));
  const zar = options.accounts.filter((a) => a.mode === "live" && a.currency === "ZAR");
  [from, to] = [zar[0]!.id, zar[1]!.id];
});

describe("limit fields", () => {
  it("read major units as people type them and store minor units", () => {
    expect(parseMajorUnits("5000")).toBe(500_000);
    expect(parseMajorUnits(" 5 000.5 ")).toBe(500_050);
    expect(parseMajorUnits("20,000.00")).toBe(2_000_000);
    expect(parseMajorUnits("")).toBeNull();
    expect(parseMajorUnits("0")).toEqual({ error: "Enter an amount above zero, or leave it empty for no limit" });
    expect(parseMajorUnits("-5")).toEqual({ error: "Enter an amount such as 5000 or 5000.00" });
    expect(parseMajorUnits("5.001")).toEqual({ error: "Enter an amount such as 5000 or 5000.00" });
    expect(parseMajorUnits("1e9")).toEqual({ error: "Enter an amount such as 5000 or 5000.00" });
    expect(parseMajorUnits("12\u0000")).toEqual({ error: "Enter an amount such as 5000 or 5000.00" });
    expect(parseMajorUnits("9".repeat(14))).toEqual({ error: "Enter an amount such as 5000 or 5000.00" });
  });

  it("are stored with the key, only for a key that can move money, the per-payment one at most the daily one", async () => {
    const created = await moneyKey({ maxPerPayment: 500_000, maxPerDay: 2_000_000 });
    const row = await keyRow(created.id);
    expect([row.maxPerPayment, row.maxPerDay]).toEqual([500_000n, 2_000_000n]);

    const actor = await actorFor(THABO);
    const before = await keyTablesSnapshot();
    const readOnly = await createKey(db(), actor, { ...(await validKeyInput(actor, { maxPerDay: 100 })), pin: pinOf(THABO) }, context).catch((e) => e);
    expect((readOnly as DomainError).fieldErrors).toEqual({ maxPerPayment: "Limits apply only to keys that can move money" });
    const upsideDown = await createKey(
      db(),
      actor,
      { ...(await validKeyInput(actor, { permissions: MONEY, maxPerPayment: 200, maxPerDay: 100 })), pin: pinOf(THABO) },
      context,
    ).catch((e) => e);
    expect((upsideDown as DomainError).fieldErrors).toEqual({ maxPerPayment: "The most per payment cannot be more than the most per day" });
    for (const bad of [0, -1, 1.5, "100", 1e20]) {
      const error = await createKey(db(), actor, { ...(await validKeyInput(actor, { permissions: MONEY, maxPerDay: bad })), pin: pinOf(THABO) }, context).catch(
        (e) => e,
      );
      expect(Object.keys((error as DomainError).fieldErrors ?? {}), String(bad)).toEqual(["maxPerDay"]);
    }
    expect(await keyTablesSnapshot()).toBe(before);
  });
});

describe("the API enforces a key's limits", () => {
  it("refuses a payment or transfer above the most per payment with 403 limit_exceeded", async () => {
    const created = await moneyKey({ maxPerPayment: 10_000 });
    const over = await transfer(created.key, 10_001);
    expect([over.status, over.json.error.code]).toEqual([403, "limit_exceeded"]);
    expect(over.json.error.message).toMatch(/at most R\s?100[,.]00 at a time/);
    expect((await transfer(created.key, 10_000)).status).toBe(201);
    expect((await payment(created.key, 10_001)).json.error.code).toBe("limit_exceeded");
  });

  it("counts transfers and pending payments against the day, says what is left, and a rejected payment gives its amount back", async () => {
    const created = await moneyKey({ maxPerDay: 10_000 });
    expect((await transfer(created.key, 6_000)).status).toBe(201);
    const pending = await payment(created.key, 3_000);
    expect(pending.status).toBe(201);
    const over = await transfer(created.key, 2_000);
    expect([over.status, over.json.error.code]).toEqual([403, "limit_exceeded"]);
    expect(over.json.error.message).toMatch(/R\s?10[,.]00 left today/);
    expect(await usedToday(created.id)).toBe(9_000n);

    // An idempotent replay counts nothing again.
    const first = await transfer(created.key, 500, { "idempotency-key": "limit-replay" });
    const replay = await transfer(created.key, 500, { "idempotency-key": "limit-replay" });
    expect(replay.json).toEqual(first.json);
    expect(await usedToday(created.id)).toBe(9_500n);

    await decidePayment(db(), await actorFor(THABO), { paymentId: pending.json.payment.id, decision: "reject", pin: pinOf(THABO) }, context);
    expect(await usedToday(created.id)).toBe(6_500n);
    expect((await transfer(created.key, 3_500)).status).toBe(201);
    expect(await usedToday(created.id)).toBe(10_000n);
  });

  it("50 simultaneous transfers at the day's edge never pass the limit, and no cent is lost", async () => {
    const created = await moneyKey({ maxPerDay: 10_000 });
    expect((await transfer(created.key, 9_000)).status).toBe(201);
    const balances = async () =>
      (
        await db()
          .select({ balance: accounts.balance })
          .from(accounts)
          .where(inArray(accounts.id, [from, to]))
      ).reduce((sum, a) => sum + a.balance, 0n);
    const total = await balances();
    const results = await Promise.all(Array.from({ length: 50 }, () => transfer(created.key, 300)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 403)).toHaveLength(47);
    expect(results.filter((r) => r.status === 403).every((r) => r.json.error.code === "limit_exceeded")).toBe(true);
    expect(await usedToday(created.id)).toBe(9_900n);
    const moved = await db().select({ amount: transfers.amount }).from(transfers).where(eq(transfers.createdByKeyId, created.id));
    expect(moved.reduce((sum, t) => sum + t.amount, 0n)).toBe(9_900n);
    expect(await balances()).toBe(total);
  });

  it("a change of limits with the PIN is felt on the next call; refused for the wrong PIN, a role without keys:create, another organisation, a key that moves no money", async () => {
    const created = await moneyKey({ maxPerPayment: 1_000 });
    expect((await transfer(created.key, 2_000)).status).toBe(403);
    const thabo = await actorFor(THABO);
    await expect(setKeyLimits(db(), thabo, { keyId: created.id, maxPerPayment: 5_000, maxPerDay: null, pin: "000000" }, context)).rejects.toMatchObject({
      code: "pin_invalid",
    });
    const naledi = await actorFor("naledi@acme.example");
    await expect(
      setKeyLimits(db(), naledi, { keyId: created.id, maxPerPayment: 5_000, maxPerDay: null, pin: pinOf("naledi@acme.example") }, context),
    ).rejects.toBeInstanceOf(NotFoundError);
    const aisha = await actorFor("aisha@acme.example");
    const acmeKey = await makeKey("naledi@acme.example", { permissions: MONEY.filter((p) => p !== "payments:edit") });
    await expect(
      setKeyLimits(db(), aisha, { keyId: acmeKey.id, maxPerPayment: 5_000, maxPerDay: null, pin: pinOf("aisha@acme.example") }, context),
    ).rejects.toBeInstanceOf(AccessError);
    const readOnly = await makeKey(THABO);
    await expect(setKeyLimits(db(), thabo, { keyId: readOnly.id, maxPerPayment: 5_000, maxPerDay: null, pin: pinOf(THABO) }, context)).rejects.toMatchObject({
      fieldErrors: { maxPerPayment: "Limits apply only to keys that can move money" },
    });
    expect((await keyRow(created.id)).maxPerPayment).toBe(1_000n);

    await setKeyLimits(db(), thabo, { keyId: created.id, maxPerPayment: 5_000, maxPerDay: null, pin: pinOf(THABO) }, context);
    expect((await transfer(created.key, 2_000)).status).toBe(201);
    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, created.id), eq(auditEvents.action, "key.limits_change"), eq(auditEvents.outcome, "success")));
    expect(audit!.metadata).toMatchObject({ before: "per payment 1000, per day none", after: "per payment 5000, per day none" });
  });
});
