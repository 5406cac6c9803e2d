import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getBalance, listAccounts, listStatements, listTransactions } from "@/lib/api/accounts";
import { authenticate } from "@/lib/api/authenticate";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { getCardCode, listCards, putCardCode } from "@/lib/api/cards";
import { flushKeyUse } from "@/lib/api/last-used";
import { createPayment, createTransfer, listPayments } from "@/lib/api/money";
import { sharedRateLimitStore } from "@/lib/security/rate-limit-store";
import { issueToken } from "@/lib/api/oauth";
import { listTaxCertificates } from "@/lib/api/tax-certificates";
import { accessTokens, accounts, apiKeyAccounts, apiKeys, auditEvents, organisations } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData, type SeededApplication } from "@/lib/demo/seed";
import { deleteKey } from "@/lib/keys/delete-key";
import { generateApiKey } from "@/lib/keys/key-format";
import { regenerateKey } from "@/lib/keys/regenerate-key";
import { loadWizardOptions } from "@/lib/keys/wizard-options";
import { setOrganisationStatus } from "@/lib/ops/manage-organisation";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { call } from "@/lib/test/api";
import { actorFor, context, db } from "@/lib/test/helpers";
import { makeKey, pinOf } from "@/lib/test/keys";

let apps: SeededApplication[];
let acmeLive: { id: string; name: string; currency: string; companyId: string | null; mode: string }[];

/** A key of Acme's ERP integration with the given permissions over Acme Retail's live ZAR and USD accounts. */
async function acmeKey(permissions: string[], alias = `api ${Math.random().toString(36).slice(2)}`) {
  const retail = acmeLive.filter((a) => a.name.startsWith("Acme Retail"));
  return makeKey("naledi@acme.example", {
    alias,
    permissions,
    companyIds: [retail[0]!.companyId],
    accountIds: retail.filter((a) => a.currency !== "EUR").map((a) => a.id),
  });
}

const ALL = [
  "accounts:view",
  "balances:view",
  "transactions:view",
  "statements:view",
  "tax_certificates:view",
  "transfers:edit",
  "payments:view",
  "payments:edit",
  "card_code:view",
  "card_code:edit",
];

beforeAll(async () => {
  const seeded = await seedDemoData(db());
  apps = seeded.seeded ? seeded.applications : [];
  const options = await loadWizardOptions(db(), await actorFor("naledi@acme.example"));
  acmeLive = options.accounts.filter((a) => a.mode === "live");
});

describe("who may call", () => {
  it("refuses a missing key, a malformed key and a key in the URL", async () => {
    expect((await call(listAccounts, { path: "/api/v1/accounts" })).json.error.code).toBe("missing_key");
    const bad = await call(listAccounts, { path: "/api/v1/accounts", key: "lk_live_notakey" });
    expect([bad.status, bad.json.error.code]).toEqual([401, "invalid_key"]);
    const { key } = await acmeKey(["accounts:view"]);
    const inUrl = await call(listAccounts, { path: `/api/v1/accounts?api_key=${key}`, key });
    expect([inUrl.status, inUrl.json.error.code]).toEqual([401, "invalid_key"]);
  });

  it("refuses a key with a bad checksum without touching the database", async () => {
    const { key } = await acmeKey(["accounts:view"]);
    const typo = key.slice(0, 20) + (key[20] === "a" ? "b" : "a") + key.slice(21);
    const noDatabase = new Proxy(
      {},
      {
        get: () => {
          throw new Error("the database was queried");
        },
      },
    );
    await expect(authenticate(noDatabase as never, new Request("http://bank.test/api/v1/accounts", { headers: { "x-api-key": typo } }))).rejects.toMatchObject({
      code: "invalid_key",
    });
  });

  it("refuses frozen and suspended-organisation keys (403), deleted and regenerated-away ones (401)", async () => {
    const frozen = await acmeKey(["accounts:view"]);
    await changingKeyAccess(db(), () => db().update(apiKeys).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(apiKeys.id, frozen.id)));
    const f = await call(listAccounts, { path: "/api/v1/accounts", key: frozen.key });
    expect([f.status, f.json.error.code]).toEqual([403, "key_frozen"]);

    const naledi = await actorFor("naledi@acme.example");
    const pin = pinOf("naledi@acme.example");
    const deleted = await acmeKey(["accounts:view"]);
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: deleted.key })).status).toBe(200);
    await deleteKey(db(), naledi, { keyId: deleted.id, confirmAlias: deleted.alias, pin }, context);
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: deleted.key })).json.error.code).toBe("invalid_key");

    const rolled = await acmeKey(["accounts:view"]);
    const { key: fresh } = await regenerateKey(db(), naledi, { keyId: rolled.id, pin }, context);
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: rolled.key })).status).toBe(401);
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: fresh })).status).toBe(200);

    const nkosiKey = await makeKey("thabo@nkosi.example");
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: nkosiKey.key })).status).toBe(200);
    const ops = await actorFor("ops@bank.example");
    const nkosiId = (await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, ORG_NAMES.nkosi)))[0]!.id;
    await setOrganisationStatus(db(), ops, { orgId: nkosiId, status: "suspended", pin: pinOf("ops@bank.example") }, context);
    const suspended = await call(listAccounts, { path: "/api/v1/accounts", key: nkosiKey.key });
    expect([suspended.status, suspended.json.error.code]).toEqual([403, "organisation_suspended"]);
    await setOrganisationStatus(db(), ops, { orgId: nkosiId, status: "approved", pin: pinOf("ops@bank.example") }, context);
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: nkosiKey.key })).status).toBe(200);
  });
});

describe("every endpoint enforces its permission", () => {
  it.each(ALL)("%s: granted works, missing is 403 insufficient_permission", async (permission) => {
    const granted = await acmeKey([permission]);
    const others = await acmeKey(ALL.filter((p) => p !== permission));
    const zar = acmeLive.find((a) => a.name === "Acme Retail ZAR operating")!;
    const usd = acmeLive.find((a) => a.name === "Acme Retail USD FX")!;
    const [card] = (await call(listCards, { path: "/api/v1/cards", key: (await acmeKey(["card_code:view"])).key })).json.cards;
    const requests: Record<string, () => [unknown, Record<string, unknown>]> = {
      "accounts:view": () => [listAccounts, { path: "/api/v1/accounts" }],
      "balances:view": () => [getBalance, { path: `/api/v1/accounts/${zar.id}/balance`, params: { id: zar.id } }],
      "transactions:view": () => [listTransactions, { path: `/api/v1/accounts/${zar.id}/transactions`, params: { id: zar.id } }],
      "statements:view": () => [listStatements, { path: `/api/v1/accounts/${zar.id}/statements`, params: { id: zar.id } }],
      "tax_certificates:view": () => [listTaxCertificates, { path: `/api/v1/accounts/${zar.id}/tax-certificates`, params: { id: zar.id } }],
      "transfers:edit": () => [
        createTransfer,
        { path: `/api/v1/accounts/${zar.id}/transfers`, params: { id: zar.id }, body: { toAccountId: usd.id, amount: 1, reference: "x" } },
      ],
      "payments:view": () => [listPayments, { path: `/api/v1/accounts/${zar.id}/payments`, params: { id: zar.id } }],
      "payments:edit": () => [
        createPayment,
        {
          path: `/api/v1/accounts/${zar.id}/payments`,
          params: { id: zar.id },
          body: { beneficiaryName: "Eskom", accountNumber: "1234567890", bankCode: "250655", amount: 100, reference: "x" },
        },
      ],
      "card_code:view": () => [getCardCode, { path: `/api/v1/cards/${card.id}/code`, params: { id: card.id } }],
      "card_code:edit": () => [putCardCode, { path: `/api/v1/cards/${card.id}/code`, params: { id: card.id }, method: "PUT", body: { code: "// ok" } }],
    };
    const [handler, init] = requests[permission]!();
    const denied = await call(handler as never, { ...(init as object), key: others.key } as never);
    expect([denied.status, denied.json.error.code]).toEqual([403, "insufficient_permission"]);
    const allowed = await call(handler as never, { ...(init as object), key: granted.key } as never);
    // The transfer between ZAR and USD is refused for its currencies, after the permission passed.
    expect(permission === "transfers:edit" ? allowed.status === 422 && allowed.json.error.fields.toAccountId : allowed.status < 300).toBeTruthy();
  });
});

describe("which accounts a key reaches", () => {
  it("lists only its own accounts of its mode, in PRODUCT.md's shape", async () => {
    const { key } = await acmeKey(["accounts:view"]);
    const { json } = await call(listAccounts, { path: "/api/v1/accounts", key });
    // By name, as the database holds them.
    expect(json.accounts.map((a: { name: string }) => a.name)).toEqual(["Acme Retail USD FX", "Acme Retail ZAR operating"]);
    const [usd] = await db().select().from(accounts).where(eq(accounts.name, "Acme Retail USD FX"));
    expect(json.accounts[0]).toEqual({ id: usd!.id, name: usd!.name, number: usd!.number, currency: "USD", mode: "live", companyId: usd!.companyId });
  });

  it("answers 403 for its organisation's other accounts, 404 for another organisation's, 403 for the other mode", async () => {
    const { key, id } = await acmeKey(["balances:view"]);
    const eur = acmeLive.find((a) => a.name === "Acme Retail EUR FX")!;
    const other = await call(getBalance, { path: "/x", key, params: { id: eur.id } });
    expect([other.status, other.json.error.code]).toEqual([403, "account_not_allowed"]);
    const thabo = await loadWizardOptions(db(), await actorFor("thabo@nkosi.example"));
    const foreign = await call(getBalance, { path: "/x", key, params: { id: thabo.accounts[0]!.id } });
    expect([foreign.status, foreign.json.error.code]).toEqual([404, "not_found"]);
    expect((await call(getBalance, { path: "/x", key, params: { id: "not-a-uuid" } })).status).toBe(404);
    const [sandbox] = await db().select().from(accounts).where(eq(accounts.name, "Acme Retail ZAR sandbox"));
    await db().insert(apiKeyAccounts).values({ keyId: id, accountId: sandbox!.id });
    const mismatch = await call(getBalance, { path: "/x", key, params: { id: sandbox!.id } });
    expect([mismatch.status, mismatch.json.error.code]).toEqual([403, "account_not_allowed"]);
  });

  it("pages transactions, filters by date, and builds monthly statements that chain", async () => {
    const { key } = await acmeKey(["transactions:view", "statements:view"]);
    const zar = acmeLive.find((a) => a.name === "Acme Retail ZAR operating")!;
    const first = await call(listTransactions, { path: `/api/v1/accounts/${zar.id}/transactions`, key, params: { id: zar.id } });
    expect(first.json.transactions).toHaveLength(50);
    expect(first.json.nextPage).toBe(2);
    const last = await call(listTransactions, { path: `/api/v1/accounts/${zar.id}/transactions?page=999`, key, params: { id: zar.id } });
    expect([last.json.transactions.length, last.json.nextPage]).toEqual([0, null]);
    const bad = await call(listTransactions, { path: `/api/v1/accounts/${zar.id}/transactions?from=yesterday&page=0`, key, params: { id: zar.id } });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.json.error.fields).sort()).toEqual(["from", "page"]);
    const statements = (await call(listStatements, { path: "/x", key, params: { id: zar.id } })).json.statements;
    expect(statements.length).toBeGreaterThanOrEqual(6);
    for (let i = 0; i + 1 < statements.length; i++) expect(statements[i].openingBalance).toBe(statements[i + 1].closingBalance);
  });
});

describe("transfers", () => {
  it("move money atomically, refuse overdrafts and bad input by field, and honour Idempotency-Key", async () => {
    const logistics = acmeLive.filter((a) => a.name.startsWith("Acme Logistics"));
    const { key } = await makeKey("naledi@acme.example", {
      permissions: ["transfers:edit", "balances:view"],
      companyIds: [logistics[0]!.companyId],
      accountIds: logistics.map((a) => a.id),
    });
    const [zar] = await db().select().from(accounts).where(eq(accounts.name, "Acme Logistics ZAR operating"));
    const [zarSandboxCheck] = await db().select().from(accounts).where(eq(accounts.name, "Acme Logistics USD FX"));
    // A second ZAR account for the company, so there is somewhere to transfer to.
    const [savings] = await db()
      .insert(accounts)
      .values({
        orgId: zar!.orgId,
        companyId: zar!.companyId,
        name: "Acme Logistics ZAR reserve",
        number: "99955500011",
        currency: "ZAR",
        mode: "live",
        balance: 0n,
      })
      .returning();
    const keyRow = await db()
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(eq(apiKeys.prefix, key.slice(0, 12)));
    await db().insert(apiKeyAccounts).values({ keyId: keyRow[0]!.id, accountId: savings!.id });

    const path = `/api/v1/accounts/${zar!.id}/transfers`;
    const ok = await call(createTransfer, {
      path,
      key,
      params: { id: zar!.id },
      body: { toAccountId: savings!.id, amount: 12_345, reference: "Reserve top-up" },
      headers: { "idempotency-key": "top-up-1" },
    });
    expect(ok.status).toBe(201);
    expect(ok.json.transfer).toMatchObject({ fromAccountId: zar!.id, toAccountId: savings!.id, amount: 12_345, currency: "ZAR" });
    const again = await call(createTransfer, {
      path,
      key,
      params: { id: zar!.id },
      body: { toAccountId: savings!.id, amount: 12_345, reference: "Reserve top-up" },
      headers: { "idempotency-key": "top-up-1" },
    });
    expect(again.json).toEqual(ok.json);
    const conflict = await call(createTransfer, {
      path,
      key,
      params: { id: zar!.id },
      body: { toAccountId: savings!.id, amount: 99, reference: "Reserve top-up" },
      headers: { "idempotency-key": "top-up-1" },
    });
    expect([conflict.status, conflict.json.error.code]).toEqual([409, "idempotency_conflict"]);
    const [after] = await db().select().from(accounts).where(eq(accounts.id, savings!.id));
    expect(after!.balance).toBe(12_345n);

    const broke = await call(createTransfer, {
      path: `/api/v1/accounts/${savings!.id}/transfers`,
      key,
      params: { id: savings!.id },
      body: { toAccountId: zar!.id, amount: 12_346, reference: "Too much" },
    });
    expect([broke.status, Object.keys(broke.json.error.fields)]).toEqual([422, ["amount"]]);
    const fx = await call(createTransfer, { path, key, params: { id: zar!.id }, body: { toAccountId: zarSandboxCheck!.id, amount: 1, reference: "FX" } });
    expect(fx.json.error.fields.toAccountId).toMatch(/one currency/);
    for (const [body, field] of [
      ["{not json", "body"],
      [{ toAccountId: savings!.id, amount: "100", reference: "x" }, "amount"],
      [{ toAccountId: savings!.id, amount: 1.5, reference: "x" }, "amount"],
      [{ toAccountId: savings!.id, amount: -5, reference: "x" }, "amount"],
      [{ toAccountId: 42, amount: 5, reference: "x" }, "toAccountId"],
      [{ toAccountId: savings!.id, amount: 5, reference: "" }, "reference"],
      [{ toAccountId: savings!.id, amount: 5, reference: "x", fromAccountId: savings!.id }, "body"],
    ] as const) {
      const response = await call(createTransfer, { path, key, params: { id: zar!.id }, body });
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(Object.keys(response.json.error.fields).join(), JSON.stringify(body)).toContain(field === "body" && typeof body !== "string" ? "" : field);
    }
    const audited = await db().$count(auditEvents, eq(auditEvents.action, "api.transfer"));
    expect(audited).toBe(1);
  });

  it("1,000 concurrent random transfers create and destroy no money and overdraw nothing", async () => {
    const retail = acmeLive.filter((a) => a.name.startsWith("Acme Retail") && a.currency === "ZAR");
    const [zar] = await db().select().from(accounts).where(eq(accounts.id, retail[0]!.id));
    const pool = [zar!];
    for (let i = 0; i < 3; i++) {
      const [extra] = await db()
        .insert(accounts)
        .values({
          orgId: zar!.orgId,
          companyId: zar!.companyId,
          name: `Retail pot ${i}`,
          number: `9997770000${i}`,
          currency: "ZAR",
          mode: "live",
          balance: 50_000n,
        })
        .returning();
      pool.push(extra!);
    }
    const created = await acmeKey(["transfers:edit"]);
    await db()
      .insert(apiKeyAccounts)
      .values(pool.slice(1).map((a) => ({ keyId: created.id, accountId: a.id })));
    const total = async () =>
      (
        await db()
          .select({ s: sql<string>`sum(balance)` })
          .from(accounts)
          .where(sql`${accounts.id} in ${pool.map((a) => a.id)}`)
      )[0]!.s;
    const before = await total();
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const results = await Promise.all(
      Array.from({ length: 1000 }, () => {
        const from = pool[Math.floor(next() * pool.length)]!;
        let to = pool[Math.floor(next() * pool.length)]!;
        if (to.id === from.id) to = pool[(pool.indexOf(from) + 1) % pool.length]!;
        return call(createTransfer, {
          path: `/api/v1/accounts/${from.id}/transfers`,
          key: created.key,
          params: { id: from.id },
          body: { toAccountId: to.id, amount: 1 + Math.floor(next() * 40_000), reference: "stress" },
        });
      }),
    );
    expect(results.every((r) => r.status === 201 || (r.status === 422 && r.json.error.fields.amount))).toBe(true);
    expect(results.filter((r) => r.status === 201).length).toBeGreaterThan(500);
    expect(await total()).toBe(before);
    const negative = await db().$count(accounts, sql`${accounts.balance} < 0`);
    expect(negative).toBe(0);
    for (const account of pool) {
      const [{ sum }] = (
        await db().execute<{ sum: string }>(sql`select coalesce(sum(amount), 0)::text as sum from transactions where account_id = ${account.id}`)
      ).rows as [{ sum: string }];
      const [row] = await db().select().from(accounts).where(eq(accounts.id, account.id));
      if (account.id !== zar!.id) expect(BigInt(sum) + 50_000n).toBe(row!.balance);
    }
  }, 120_000);
});

describe("payments, cards and tokens", () => {
  it("creates a payment waiting for approval that holds back the available balance", async () => {
    const { key } = await acmeKey(["payments:edit", "payments:view", "balances:view"]);
    const zar = acmeLive.find((a) => a.name === "Acme Retail ZAR operating")!;
    const before = (await call(getBalance, { path: "/x", key, params: { id: zar.id } })).json;
    const created = await call(createPayment, {
      path: "/x",
      key,
      params: { id: zar.id },
      body: { beneficiaryName: "Nampak Packaging", accountNumber: "62012345678", bankCode: "250655", amount: 250_000, reference: "INV-2211" },
    });
    expect(created.status).toBe(201);
    expect(created.json.payment).toMatchObject({ status: "pending_approval", amount: 250_000, currency: "ZAR", beneficiaryName: "Nampak Packaging" });
    const after = (await call(getBalance, { path: "/x", key, params: { id: zar.id } })).json;
    expect(after.currentBalance).toBe(before.currentBalance);
    expect(after.availableBalance).toBe(before.availableBalance - 250_000);
    const listed = (await call(listPayments, { path: "/x", key, params: { id: zar.id } })).json.payments;
    expect(listed.map((p: { id: string }) => p.id)).toContain(created.json.payment.id);
    const invalid = await call(createPayment, {
      path: "/x",
      key,
      params: { id: zar.id },
      body: { beneficiaryName: "", accountNumber: "12", bankCode: "x", amount: 0, reference: "r" },
    });
    expect(Object.keys(invalid.json.error.fields).sort()).toEqual(["accountNumber", "amount", "bankCode", "beneficiaryName"]);
  });

  it("reads and replaces card code, size-limited and audited", async () => {
    const { key } = await acmeKey(["card_code:view", "card_code:edit"]);
    const [card] = (await call(listCards, { path: "/x", key })).json.cards;
    expect(card.last4).toBe("7310");
    const auditedBefore = await db().$count(auditEvents, and(eq(auditEvents.action, "api.card_code_update"), eq(auditEvents.targetId, card.id)));
    const code = "const beforeTransaction = async () => true;";
    const put = await call(putCardCode, { path: "/x", key, params: { id: card.id }, method: "PUT", body: { code } });
    expect(put.json).toMatchObject({ cardId: card.id, code });
    expect((await call(getCardCode, { path: "/x", key, params: { id: card.id } })).json.code).toBe(code);
    const huge = await call(putCardCode, { path: "/x", key, params: { id: card.id }, method: "PUT", body: { code: "x".repeat(10_001) } });
    expect([huge.status, Object.keys(huge.json.error.fields)]).toEqual([422, ["code"]]);
    expect(await db().$count(auditEvents, and(eq(auditEvents.action, "api.card_code_update"), eq(auditEvents.targetId, card.id)))).toBe(auditedBefore + 1);
  });

  it("issues client-credential tokens that carry the key's permissions and die with the key", async () => {
    const erp = apps.find((a) => a.name === "ERP integration")!;
    const created = await acmeKey(["accounts:view"]);
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
    const token = async (authorization: string, key: string, grant = "client_credentials") => {
      const response = await issueToken(
        new Request("http://bank.test/api/oauth2/token", {
          method: "POST",
          headers: { authorization, "x-api-key": key, "content-type": "application/x-www-form-urlencoded" },
          body: `grant_type=${grant}`,
        }),
      );
      return { status: response.status, json: await response.json() };
    };
    const good = await token(basic(erp.clientId, erp.clientSecret), created.key);
    expect(good.status).toBe(200);
    expect(good.json).toMatchObject({ token_type: "Bearer", expires_in: 1800, scope: "accounts:view" });
    const bearer = good.json.access_token as string;
    expect(bearer).toMatch(/^lkat_[0-9A-Za-z]{43}$/);
    expect((await call(listAccounts, { path: "/api/v1/accounts", bearer })).status).toBe(200);
    expect((await call(getBalance, { path: "/x", bearer, params: { id: acmeLive[0]!.id } })).json.error.code).toBe("insufficient_permission");
    expect(await db().$count(accessTokens, eq(accessTokens.tokenHash, bearer))).toBe(0);

    expect((await token(basic(erp.clientId, "wrong"), created.key)).json.error).toBe("invalid_client");
    const treasury = apps.find((a) => a.name === "Treasury bot")!;
    expect((await token(basic(treasury.clientId, treasury.clientSecret), created.key)).json.error).toBe("invalid_client");
    expect((await token(basic(erp.clientId, erp.clientSecret), "lk_live_wrong")).json.error).toBe("invalid_client");
    expect((await token(basic(erp.clientId, erp.clientSecret), created.key, "password")).json.error).toBe("unsupported_grant_type");

    await db().update(accessTokens).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(accessTokens.keyId, created.id));
    expect((await call(listAccounts, { path: "/api/v1/accounts", bearer })).status).toBe(401);
    const second = (await token(basic(erp.clientId, erp.clientSecret), created.key)).json.access_token;
    await deleteKey(
      db(),
      await actorFor("naledi@acme.example"),
      { keyId: created.id, confirmAlias: created.alias, pin: pinOf("naledi@acme.example") },
      context,
    );
    expect((await call(listAccounts, { path: "/api/v1/accounts", bearer: second })).status).toBe(401);
  });
});

describe("limits and bookkeeping", () => {
  it("answers 429 with Retry-After once a key's minute is used up", async () => {
    const { key, id } = await acmeKey(["accounts:view"]);
    expect((await call(listAccounts, { path: "/api/v1/accounts", key })).status).toBe(200);
    // Another instance used up the key's minute: this one admits nothing more, since every call it
    // admits is reserved in the shared count first.
    await sharedRateLimitStore(db).hit(`api:key:${id}`, 1200, 60, 100_000);
    const limited = await call(listAccounts, { path: "/api/v1/accounts", key });
    expect([limited.status, limited.json.error.code]).toEqual([429, "rate_limited"]);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("answers 429 to an address over its minute before looking its key up, and only to that address", async () => {
    const { key } = await acmeKey(["accounts:view"]);
    // The address as the server resolved it from the socket (lib/http/client-address.ts).
    const busy = { [CLIENT_ADDRESS_HEADER]: "203.0.113.9" };
    await sharedRateLimitStore(db).hit("api:ip:203.0.113.9", 6000, 60, 100_000);
    const limited = await call(listAccounts, { path: "/api/v1/accounts", key, headers: busy });
    expect([limited.status, limited.json.error.code]).toEqual([429, "rate_limited"]);
    expect(limited.json.error.message).toMatch(/this address/);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // A guessed key with a good checksum, from that address, is refused before any lookup: 429, not 401.
    const guessed = await call(listAccounts, { path: "/api/v1/accounts", key: generateApiKey("live").key, headers: busy });
    expect(guessed.status).toBe(429);
    expect((await call(listAccounts, { path: "/api/v1/accounts", key, headers: { [CLIENT_ADDRESS_HEADER]: "198.51.100.4" } })).status).toBe(200);
    // A client's own X-Forwarded-For is no way around the limit.
    expect((await call(listAccounts, { path: "/api/v1/accounts", key, headers: { ...busy, "x-forwarded-for": "198.51.100.5" } })).status).toBe(429);
  });

  it("records last use in one batched write, at most once a minute per key", async () => {
    const { key, id } = await acmeKey(["accounts:view"]);
    for (let i = 0; i < 5; i++) await call(listAccounts, { path: "/api/v1/accounts", key });
    const [before] = await db().select({ lastUsedAt: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, id));
    expect(before!.lastUsedAt).toBeNull();
    expect(await flushKeyUse(db())).toBeGreaterThanOrEqual(1);
    const [after] = await db().select({ lastUsedAt: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, id));
    expect(Date.now() - after!.lastUsedAt!.getTime()).toBeLessThan(10_000);
    await call(listAccounts, { path: "/api/v1/accounts", key });
    expect(await flushKeyUse(db())).toBe(0);
  });
});
