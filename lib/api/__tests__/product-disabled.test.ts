import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getBalance, listAccounts, listStatements, listTransactions } from "@/lib/api/accounts";
import { getCardCode, listCards, putCardCode } from "@/lib/api/cards";
import { createPayment, createTransfer, listPayments } from "@/lib/api/money";
import { issueToken } from "@/lib/api/oauth";
import { listTaxCertificates } from "@/lib/api/tax-certificates";
import { accounts, applications, cards, organisations } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData, type SeededApplication } from "@/lib/demo/seed";
import { ALL_KEY_PERMISSIONS } from "@/lib/key-permissions";
import { setOrganisationProducts } from "@/lib/ops/manage-organisation";
import { call } from "@/lib/test/api";
import { actorFor, context, db } from "@/lib/test/helpers";
import { keyRow, makeKey, pinOf } from "@/lib/test/keys";

type Product = "account_information" | "payments" | "cards";
const PRODUCTS: Product[] = ["account_information", "payments", "cards"];

let apps: SeededApplication[];
let acmeId: string;
let key: string;
let keyId: string;
let zar: typeof accounts.$inferSelect;
let usd: typeof accounts.$inferSelect;
let cardId: string;

/** Every endpoint of each product, with the permission it needs and what an allowed call answers. */
const endpoints = (): Record<
  Product,
  { name: string; permission: string; ok: number; run: (credential: { key?: string; bearer?: string }) => ReturnType<typeof call> }[]
> => ({
  account_information: [
    { name: "GET /accounts", permission: "accounts:view", ok: 200, run: (c) => call(listAccounts, { path: "/api/v1/accounts", ...c }) },
    { name: "GET …/balance", permission: "balances:view", ok: 200, run: (c) => call(getBalance, { path: "/x", ...c, params: { id: zar.id } }) },
    {
      name: "GET …/transactions",
      permission: "transactions:view",
      ok: 200,
      run: (c) => call(listTransactions, { path: `/api/v1/accounts/${zar.id}/transactions`, ...c, params: { id: zar.id } }),
    },
    { name: "GET …/statements", permission: "statements:view", ok: 200, run: (c) => call(listStatements, { path: "/x", ...c, params: { id: zar.id } }) },
    {
      name: "GET …/tax-certificates",
      permission: "tax_certificates:view",
      ok: 200,
      run: (c) => call(listTaxCertificates, { path: "/x", ...c, params: { id: zar.id } }),
    },
  ],
  payments: [
    // Between the key's ZAR and USD accounts: allowed, it gets as far as the currency rule; nothing moves.
    {
      name: "POST …/transfers",
      permission: "transfers:edit",
      ok: 422,
      run: (c) => call(createTransfer, { path: "/x", ...c, params: { id: zar.id }, body: { toAccountId: usd.id, amount: 1, reference: "Product check" } }),
    },
    { name: "GET …/payments", permission: "payments:view", ok: 200, run: (c) => call(listPayments, { path: "/x", ...c, params: { id: zar.id } }) },
    {
      name: "POST …/payments",
      permission: "payments:edit",
      ok: 201,
      run: (c) =>
        call(createPayment, {
          path: "/x",
          ...c,
          params: { id: zar.id },
          body: { beneficiaryName: "Product Check Ltd", accountNumber: "62000000001", bankCode: "250655", amount: 1, reference: "Product check" },
        }),
    },
  ],
  cards: [
    { name: "GET /cards", permission: "card_code:view", ok: 200, run: (c) => call(listCards, { path: "/x", ...c }) },
    { name: "GET …/code", permission: "card_code:view", ok: 200, run: (c) => call(getCardCode, { path: "/x", ...c, params: { id: cardId } }) },
    {
      name: "PUT …/code",
      permission: "card_code:edit",
      ok: 200,
      run: (c) => call(putCardCode, { path: "/x", ...c, method: "PUT", params: { id: cardId }, body: { code: "// product check" } }),
    },
  ],
});

async function setProducts(products: Product[]) {
  await setOrganisationProducts(db(), await actorFor("ops@bank.example"), { orgId: acmeId, products, pin: pinOf("ops@bank.example") }, context);
}

/** A bearer token for the key, from POST /api/oauth2/token. */
async function bearerToken() {
  const [row] = await db()
    .select({ clientId: applications.clientId })
    .from(applications)
    .where(eq(applications.id, (await keyRow(keyId)).applicationId));
  const app = apps.find((a) => a.clientId === row!.clientId)!;
  const response = await issueToken(
    new Request("http://bank.test/api/oauth2/token", {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString("base64")}`,
        "x-api-key": key,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    }),
  );
  return (await response.json()) as { access_token: string; scope: string };
}

/** What the money and card tables hold, to prove a refused write wrote nothing. */
async function writesSnapshot() {
  const result = await db().execute(sql`
    select (select count(*) from payments)::int as payments, (select count(*) from transfers)::int as transfers,
           (select json_agg(code order by id) from cards)::text as codes`);
  return result.rows[0];
}

beforeAll(async () => {
  const seeded = await seedDemoData(db());
  apps = seeded.seeded ? seeded.applications : [];
  acmeId = (await db().select().from(organisations).where(eq(organisations.name, ORG_NAMES.acme)))[0]!.id;
  zar = (await db().select().from(accounts).where(eq(accounts.name, "Acme Retail ZAR operating")))[0]!;
  usd = (await db().select().from(accounts).where(eq(accounts.name, "Acme Retail USD FX")))[0]!;
  cardId = (await db().select().from(cards).where(eq(cards.accountId, zar.id)))[0]!.id;
  // Every permission of every product, while all three are enabled.
  ({ key, id: keyId } = await makeKey("naledi@acme.example", { permissions: ALL_KEY_PERMISSIONS, companyIds: [zar.companyId], accountIds: [zar.id, usd.id] }));
});

describe("a product the bank disabled for the organisation no longer opens its endpoints", () => {
  it("every endpoint answers while all products are enabled, with the key and with a token", async () => {
    const bearer = (await bearerToken()).access_token;
    for (const product of PRODUCTS) {
      for (const endpoint of endpoints()[product]) {
        expect((await endpoint.run({ key })).status, endpoint.name).toBe(endpoint.ok);
        expect((await endpoint.run({ bearer })).status, `${endpoint.name} (token)`).toBe(endpoint.ok);
      }
    }
  });

  it.each(PRODUCTS)("%s disabled: its endpoints refuse the key and its tokens with 403 insufficient_permission, the others still answer", async (product) => {
    const bearer = (await bearerToken()).access_token;
    await setProducts(PRODUCTS.filter((p) => p !== product));
    try {
      const before = await writesSnapshot();
      for (const endpoint of endpoints()[product]) {
        for (const credential of [{ key }, { bearer }]) {
          const refused = await endpoint.run(credential);
          expect([refused.status, refused.json.error.code, refused.json.error.message], endpoint.name).toEqual([
            403,
            "insufficient_permission",
            `This key does not have the ${endpoint.permission} permission.`,
          ]);
        }
      }
      expect(await writesSnapshot()).toEqual(before);
      // A token issued now does not carry the disabled product's permissions either.
      const scope = (await bearerToken()).scope.split(" ");
      for (const endpoint of endpoints()[product]) expect(scope).not.toContain(endpoint.permission);
      for (const other of PRODUCTS.filter((p) => p !== product)) {
        for (const endpoint of endpoints()[other]) expect((await endpoint.run({ key })).status, endpoint.name).toBe(endpoint.ok);
      }
    } finally {
      await setProducts(PRODUCTS);
    }
    // Enabled again, the same key works again at once.
    for (const endpoint of endpoints()[product]) expect((await endpoint.run({ key })).status, endpoint.name).toBe(endpoint.ok);
  });
});
