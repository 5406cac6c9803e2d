import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { PIN_LOCK_MINUTES } from "@/lib/auth/pin";
import { apiKeys, auditEvents, organisations, users } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { DomainError, NotFoundError } from "@/lib/errors";
import { createKey } from "@/lib/keys/create-key";
import { deleteKey } from "@/lib/keys/delete-key";
import { getKey } from "@/lib/keys/get-key";
import { checkApiKeyFormat } from "@/lib/keys/key-format";
import { listKeys } from "@/lib/keys/list-keys";
import { regenerateKey } from "@/lib/keys/regenerate-key";
import { renewKey } from "@/lib/keys/renew-key";
import { loadWizardOptions } from "@/lib/keys/wizard-options";
import { sha256Hex } from "@/lib/security/hashing";
import { actorFor, context, db } from "@/lib/test/helpers";
import { keyRow, keyTablesSnapshot, makeKey, pinOf, validKeyInput } from "@/lib/test/keys";
import { captureOutput } from "@/lib/test/output";

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, message: error.message, fields: error.fieldErrors ?? {} };
    throw error;
  }
  throw new Error("expected a refusal");
}

/** Every text the database holds, to search for a secret. */
async function everythingStored(): Promise<string> {
  const tables = await db().execute<{ table_name: string }>(sql`select table_name from information_schema.tables where table_schema = 'public'`);
  let all = "";
  for (const { table_name } of tables.rows) {
    const rows = await db().execute(sql.raw(`select * from "${table_name}"`));
    all += JSON.stringify(rows.rows, (_, v) => (typeof v === "bigint" ? v.toString() : v));
  }
  return all;
}

beforeAll(async () => {
  await seedDemoData(db());
});

describe("creating a key", () => {
  it("stores only the hash, returns the secret once, and audits the creation", async () => {
    const { result: created, text: logged } = await captureOutput(() => makeKey());

    expect(checkApiKeyFormat(created.key)).toBe("live");
    const row = await keyRow(created.id);
    expect(row.secretHash).toBe(sha256Hex(created.key));
    expect(row.prefix).toBe(created.key.slice(0, 12));
    expect((row.expiresAt.getTime() - row.createdAt.getTime()) / 86_400_000).toBeCloseTo(90, 3);
    expect(await everythingStored()).not.toContain(created.key.slice(8));
    expect(logged).not.toContain(created.key.slice(8));
    const [event] = await db().select().from(auditEvents).where(eq(auditEvents.targetId, created.id));
    expect(event).toMatchObject({ action: "key.create", outcome: "success", actorLabel: "naledi@acme.example" });
  });

  it("names the field for each kind of bad input, and writes nothing", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const options = await loadWizardOptions(db(), naledi);
    const testAccount = options.accounts.find((a) => a.mode === "test")!;
    const thabo = await actorFor("thabo@nkosi.example");
    const nkosiAccount = (await loadWizardOptions(db(), thabo)).accounts[0]!;
    const before = await keyTablesSnapshot();
    const cases: [Record<string, unknown>, string][] = [
      [{ alias: "" }, "alias"],
      [{ alias: "x".repeat(65) }, "alias"],
      [{ mode: "prod" }, "mode"],
      [{ applicationId: "not-a-uuid" }, "applicationId"],
      [{ applicationId: "00000000-0000-4000-8000-000000000000" }, "applicationId"],
      [{ accountIds: [] }, "accountIds"],
      [{ accountIds: [testAccount.id] }, "accountIds"],
      [{ accountIds: [nkosiAccount.id] }, "accountIds"],
      [{ companyIds: [] }, "companyIds"],
      [{ permissions: [] }, "permissions"],
      [{ permissions: ["accounts:edit"] }, "permissions.0"],
      [{ permissions: ["superuser"] }, "permissions.0"],
    ];
    for (const [override, field] of cases) {
      const result = await refusal(createKey(db(), naledi, { ...(await validKeyInput(naledi, override)), pin: pinOf("naledi@acme.example") }, context));
      expect(Object.keys(result.fields), JSON.stringify(override)).toContain(field);
    }
    expect(await keyTablesSnapshot()).toBe(before);
  });

  it("refuses fields a client may never set (mass assignment)", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const before = await keyTablesSnapshot();
    for (const extra of [{ orgId: crypto.randomUUID() }, { expiresAt: "2099-01-01" }, { status: "active" }, { createdBy: crypto.randomUUID() }]) {
      const result = await refusal(createKey(db(), naledi, { ...(await validKeyInput(naledi)), ...extra, pin: pinOf("naledi@acme.example") }, context));
      expect(result.code).toBe("invalid_request");
    }
    expect(await keyTablesSnapshot()).toBe(before);
  });

  it("refuses an alias already used in the application, naming the alias field", async () => {
    await makeKey("naledi@acme.example", { alias: "Payroll export" });
    const result = await refusal(makeKey("naledi@acme.example", { alias: "Payroll export" }));
    expect(result.fields.alias).toMatch(/already exists/);
  });

  it("refuses permissions of products the organisation does not have", async () => {
    const thabo = await actorFor("thabo@nkosi.example");
    const [nkosi] = await db().select().from(organisations).where(eq(organisations.id, thabo.org!.id));
    await db()
      .update(organisations)
      .set({ products: ["account_information"] })
      .where(eq(organisations.id, nkosi!.id));
    const limited = await actorFor("thabo@nkosi.example");
    const result = await refusal(
      createKey(db(), limited, { ...(await validKeyInput(limited, { permissions: ["payments:edit"] })), pin: pinOf("thabo@nkosi.example") }, context),
    );
    expect(result.fields.permissions).toMatch(/not enabled/);
    await db().update(organisations).set({ products: nkosi!.products }).where(eq(organisations.id, nkosi!.id));
  });
});

describe("renewing, regenerating and deleting", () => {
  it("renews a frozen key to 90 days from now", async () => {
    const created = await makeKey();
    await db().update(apiKeys).set({ expiresAt: sql`now() - interval '2 days'` }).where(eq(apiKeys.id, created.id));
    const naledi = await actorFor("naledi@acme.example");
    expect((await getKey(db(), naledi, created.id)).status).toBe("frozen");
    const { expiresAt } = await renewKey(db(), naledi, { keyId: created.id, pin: pinOf("naledi@acme.example") }, context);
    expect((expiresAt.getTime() - Date.now()) / 86_400_000).toBeCloseTo(90, 2);
    expect((await getKey(db(), naledi, created.id)).status).toBe("active");
  });

  it("20 parallel renewals leave one sane expiry, never more than 90 days ahead", async () => {
    const created = await makeKey();
    const naledi = await actorFor("naledi@acme.example");
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => renewKey(db(), naledi, { keyId: created.id, pin: pinOf("naledi@acme.example") }, context)),
    );
    expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThan(0);
    const row = await keyRow(created.id);
    const ahead = (row.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(ahead).toBeLessThanOrEqual(90);
    expect(ahead).toBeGreaterThan(89.99);
  });

  it("regenerates: a new secret, same alias and permissions, the old hash gone", async () => {
    const created = await makeKey();
    const naledi = await actorFor("naledi@acme.example");
    const before = await keyRow(created.id);
    const {
      result: { key },
      text: logged,
    } = await captureOutput(() => regenerateKey(db(), naledi, { keyId: created.id, pin: pinOf("naledi@acme.example") }, context));
    expect(logged).not.toContain(key.slice(8));
    const after = await keyRow(created.id);
    expect(key).not.toBe(created.key);
    expect(after.secretHash).toBe(sha256Hex(key));
    expect(await db().$count(apiKeys, eq(apiKeys.secretHash, sha256Hex(created.key)))).toBe(0);
    expect([after.alias, after.permissions, after.expiresAt]).toEqual([before.alias, before.permissions, before.expiresAt]);
    expect(await everythingStored()).not.toContain(key.slice(8));
  });

  it("10 parallel regenerations yield exactly one new secret", async () => {
    const created = await makeKey();
    const naledi = await actorFor("naledi@acme.example");
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => regenerateKey(db(), naledi, { keyId: created.id, pin: pinOf("naledi@acme.example") }, context)),
    );
    const winners = results.filter(
      (r): r is PromiseFulfilledResult<{ key: string; prefix: string; previousSecretExpiresAt: Date | null }> => r.status === "fulfilled",
    );
    expect(winners).toHaveLength(1);
    expect((await keyRow(created.id)).secretHash).toBe(sha256Hex(winners[0]!.value.key));
    for (const loser of results.filter((r) => r.status === "rejected")) {
      expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(DomainError);
    }
  });

  it("delete racing regenerate leaves no live secret", async () => {
    for (let round = 0; round < 5; round++) {
      const created = await makeKey();
      const naledi = await actorFor("naledi@acme.example");
      const pin = pinOf("naledi@acme.example");
      await Promise.allSettled([
        regenerateKey(db(), naledi, { keyId: created.id, pin }, context),
        deleteKey(db(), naledi, { keyId: created.id, confirmAlias: (await keyRow(created.id)).alias, pin }, context),
        regenerateKey(db(), naledi, { keyId: created.id, pin }, context),
      ]);
      const row = await keyRow(created.id);
      expect(row.revokedAt).not.toBeNull();
      expect(await db().$count(apiKeys, sql`${apiKeys.id} = ${created.id} and ${apiKeys.revokedAt} is null`)).toBe(0);
    }
  });

  it("deletes only with the alias typed, removes the key from the list and keeps a tombstone", async () => {
    const created = await makeKey();
    const naledi = await actorFor("naledi@acme.example");
    const wrong = await refusal(deleteKey(db(), naledi, { keyId: created.id, confirmAlias: "something else", pin: pinOf("naledi@acme.example") }, context));
    expect(wrong.fields.confirmAlias).toMatch(/Type/);
    expect((await keyRow(created.id)).revokedAt).toBeNull();
    await deleteKey(db(), naledi, { keyId: created.id, confirmAlias: created.alias, pin: pinOf("naledi@acme.example") }, context);
    expect((await keyRow(created.id)).revokedAt).not.toBeNull();
    const list = await listKeys(db(), naledi, { q: created.alias });
    expect(list.keys).toHaveLength(0);
    await expect(getKey(db(), naledi, created.id)).rejects.toThrow(NotFoundError);
    await expect(renewKey(db(), naledi, { keyId: created.id, pin: pinOf("naledi@acme.example") }, context)).rejects.toThrow(NotFoundError);
    const trail = await db().select().from(auditEvents).where(eq(auditEvents.targetId, created.id));
    expect(trail.map((e) => e.action)).toContain("key.delete");
  });
});

describe("the PIN inside each action", () => {
  it("refuses a wrong PIN with the tries left, and changes nothing", async () => {
    const created = await makeKey();
    const pieter = await actorFor("pieter@acme.example");
    const before = await keyTablesSnapshot();
    for (const attempt of [
      () => renewKey(db(), pieter, { keyId: created.id, pin: "111222" }, context),
      () => regenerateKey(db(), pieter, { keyId: created.id, pin: "111222" }, context),
      () => deleteKey(db(), pieter, { keyId: created.id, confirmAlias: created.alias, pin: "111222" }, context),
    ]) {
      const result = await refusal(attempt());
      expect(result.code).toBe("pin_invalid");
      expect(result.message).toMatch(/tries left/);
    }
    const missing = await refusal(renewKey(db(), pieter, { keyId: created.id }, context));
    expect(missing.fields.pin).toBeDefined();
    expect(await keyTablesSnapshot()).toBe(before);
    // A correct PIN resets the count.
    await renewKey(db(), pieter, { keyId: created.id, pin: pinOf("pieter@acme.example") }, context);
    const [user] = await db().select().from(users).where(eq(users.email, "pieter@acme.example"));
    expect(user!.pinFailedAttempts).toBe(0);
  });

  it(`locks PIN actions for ${PIN_LOCK_MINUTES} minutes after five wrong PINs, refusing even the right one, and audits the lock`, async () => {
    const created = await makeKey("thabo@nkosi.example");
    const thabo = await actorFor("thabo@nkosi.example");
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push((await refusal(renewKey(db(), thabo, { keyId: created.id, pin: "111222" }, context))).code);
    expect(codes).toEqual(["pin_invalid", "pin_invalid", "pin_invalid", "pin_invalid", "pin_locked"]);
    const locked = await refusal(renewKey(db(), thabo, { keyId: created.id, pin: pinOf("thabo@nkosi.example") }, context));
    expect(locked.code).toBe("pin_locked");
    expect(locked.message).toMatch(/locked until/);
    const [user] = await db().select().from(users).where(eq(users.email, "thabo@nkosi.example"));
    const minutes = (user!.pinLockedUntil!.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14.9);
    expect(minutes).toBeLessThanOrEqual(15);
    expect(await db().$count(auditEvents, sql`${auditEvents.action} = 'auth.pin_locked' and ${auditEvents.actorUserId} = ${user!.id}`)).toBe(1);
    // When the lock has passed, the right PIN works again.
    await db().update(users).set({ pinLockedUntil: sql`now() - interval '1 second'` }).where(eq(users.id, user!.id));
    await renewKey(db(), thabo, { keyId: created.id, pin: pinOf("thabo@nkosi.example") }, context);
  });

  it("evaluates 50 parallel wrong PINs at most five times, then locks", async () => {
    const created = await makeKey();
    const johan = await actorFor("johan@acme.example"); // Key renewer
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => renewKey(db(), johan, { keyId: created.id, pin: "111222" }, context)));
    const codes = results.map((r) => (r.status === "rejected" && r.reason instanceof DomainError ? r.reason.code : "other"));
    expect(codes.every((c) => c === "pin_invalid" || c === "pin_locked" || c === "pin_busy")).toBe(true);
    expect(codes.filter((c) => c === "pin_invalid").length).toBeLessThanOrEqual(4);
    expect(await db().$count(auditEvents, sql`${auditEvents.actorUserId} = ${johan.user.id} and ${auditEvents.action} = 'auth.pin_locked'`)).toBe(1);
    const evaluated = await db().$count(
      auditEvents,
      sql`${auditEvents.actorUserId} = ${johan.user.id} and ${auditEvents.action} in ('auth.pin_failed', 'auth.pin_locked')`,
    );
    expect(evaluated).toBe(5);
    const [user] = await db().select().from(users).where(eq(users.id, johan.user.id));
    expect(user!.pinLockedUntil!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    await expect(renewKey(db(), johan, { keyId: created.id, pin: pinOf("johan@acme.example") }, context)).rejects.toMatchObject({ code: "pin_locked" });
  });

  it("never locks a member out with simultaneous correct PINs", async () => {
    const created = await makeKey();
    const naledi = await actorFor("naledi@acme.example");
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => renewKey(db(), naledi, { keyId: created.id, pin: pinOf("naledi@acme.example") }, context)),
    );
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason.code);
    expect(refused.every((code) => code === "pin_busy")).toBe(true);
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    const [user] = await db().select().from(users).where(eq(users.id, naledi.user.id));
    expect([user!.pinFailedAttempts, user!.pinLockedUntil]).toEqual([0, null]);
    await renewKey(db(), naledi, { keyId: created.id, pin: pinOf("naledi@acme.example") }, context);
  });
});

describe("tenancy", () => {
  it("an Acme member given a Nkosi key id can neither see nor change it", async () => {
    const nkosiKey = await makeKey("thabo@nkosi.example");
    const naledi = await actorFor("naledi@acme.example");
    const before = await keyTablesSnapshot();
    const pin = pinOf("naledi@acme.example");
    await expect(getKey(db(), naledi, nkosiKey.id)).rejects.toThrow(NotFoundError);
    await expect(renewKey(db(), naledi, { keyId: nkosiKey.id, pin }, context)).rejects.toThrow(NotFoundError);
    await expect(regenerateKey(db(), naledi, { keyId: nkosiKey.id, pin }, context)).rejects.toThrow(NotFoundError);
    await expect(deleteKey(db(), naledi, { keyId: nkosiKey.id, confirmAlias: nkosiKey.alias, pin }, context)).rejects.toThrow(NotFoundError);
    expect((await listKeys(db(), naledi, { q: nkosiKey.prefix })).keys).toHaveLength(0);
    expect(await keyTablesSnapshot()).toBe(before);
  });
});
