import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createPayment, createTransfer } from "@/lib/api/money";
import { accounts, apiKeyAccounts, apiKeys, idempotencyRecords } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { loadWizardOptions } from "@/lib/keys/wizard-options";
import { actorFor, db } from "@/lib/test/helpers";
import { makeKey } from "@/lib/test/keys";

/** The handler's answer as bytes, the way a client receives it. */
async function raw(handler: typeof createTransfer, id: string, key: string, body: unknown, idempotencyKey: string) {
  const response = await handler(
    new Request(`http://bank.test/api/v1/accounts/${id}/x`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json", "idempotency-key": idempotencyKey },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ id }) },
  );
  return { status: response.status, replayed: response.headers.get("idempotent-replayed"), text: await response.text() };
}

let zar: typeof accounts.$inferSelect;
let reserve: typeof accounts.$inferSelect;
let key: string;

beforeAll(async () => {
  await seedDemoData(db());
  const options = await loadWizardOptions(db(), await actorFor("naledi@acme.example"));
  const logistics = options.accounts.filter((a) => a.mode === "live" && a.name.startsWith("Acme Logistics"));
  const made = await makeKey("naledi@acme.example", {
    permissions: ["transfers:edit", "payments:edit"],
    companyIds: [logistics[0]!.companyId],
    accountIds: logistics.map((a) => a.id),
  });
  key = made.key;
  zar = (await db().select().from(accounts).where(eq(accounts.name, "Acme Logistics ZAR operating")))[0]!;
  reserve = (
    await db()
      .insert(accounts)
      .values({
        orgId: zar!.orgId,
        companyId: zar!.companyId,
        name: "Acme Logistics ZAR replay reserve",
        number: "99955500077",
        currency: "ZAR",
        mode: "live",
        balance: 0n,
      })
      .returning()
  )[0]!;
  const [row] = await db()
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(eq(apiKeys.prefix, key.slice(0, 12)));
  await db().insert(apiKeyAccounts).values({ keyId: row!.id, accountId: reserve!.id });
});

describe("an idempotent replay", () => {
  it("returns the first transfer's answer byte for byte, and moves the money once", async () => {
    const body = { toAccountId: reserve.id, amount: 4_321, reference: "Replay check" };
    const first = await raw(createTransfer, zar.id, key, body, "replay-transfer-1");
    expect(first.status).toBe(201);
    expect(first.replayed).toBeNull();
    const again = await raw(createTransfer, zar.id, key, body, "replay-transfer-1");
    expect(again.status).toBe(201);
    expect(again.replayed).toBe("true");
    // The same bytes: the field order of the first answer (id, fromAccountId, …), not jsonb's.
    expect(again.text).toBe(first.text);
    expect(Object.keys(JSON.parse(again.text).transfer)).toEqual(["id", "fromAccountId", "toAccountId", "amount", "currency", "reference", "createdAt"]);
    const [after] = await db().select().from(accounts).where(eq(accounts.id, reserve.id));
    expect(after!.balance).toBe(4_321n);
  });

  it("returns the first payment's answer byte for byte", async () => {
    const body = { beneficiaryName: "Replay Ltd", accountNumber: "62000000001", bankCode: "250655", amount: 1_000, reference: "Replay" };
    const first = await raw(createPayment, zar.id, key, body, "replay-payment-1");
    const again = await raw(createPayment, zar.id, key, body, "replay-payment-1");
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.text).toBe(first.text);
  });

  it("still replays an answer stored before answers were kept as text", async () => {
    const [row] = await db()
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.prefix, key.slice(0, 12)));
    const body = { toAccountId: reserve.id, amount: 1, reference: "Old row" };
    const first = await raw(createTransfer, zar.id, key, body, "replay-old-1");
    // As an older server stored it: the answer as a jsonb object.
    await db()
      .update(idempotencyRecords)
      .set({ responseBody: JSON.parse(first.text) })
      .where(eq(idempotencyRecords.idempotencyKey, "replay-old-1"));
    const again = await raw(createTransfer, zar.id, key, body, "replay-old-1");
    expect(again.status).toBe(201);
    expect(JSON.parse(again.text)).toEqual(JSON.parse(first.text));
    expect(row).toBeTruthy();
  });
});
