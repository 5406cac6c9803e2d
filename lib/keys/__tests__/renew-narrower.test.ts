import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyCredential } from "@/lib/api/authenticate";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { dispatchApi } from "@/lib/api/routes";
import { AccessError } from "@/lib/auth/errors";
import { recordAttemptOutsideOrganisation } from "@/lib/auth/tenancy";
import { apiKeyAccounts, apiKeyCompanies, apiKeyPermissionUse, apiKeys, auditEvents, organisations } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { NotFoundError } from "@/lib/errors";
import { retireReplacedKeys } from "@/lib/jobs/retire-replaced-keys";
import { runJobs } from "@/lib/jobs/run-jobs";
import { describeNarrowerRenewal, describeNarrowerRenewalCommand, keyReplacement } from "@/lib/keys/describe-narrower-renewal";
import { getKey } from "@/lib/keys/get-key";
import { listKeys } from "@/lib/keys/list-keys";
import { narrowedAlias, renewKeyNarrower } from "@/lib/keys/renew-key-narrower";
import { renewKey } from "@/lib/keys/renew-key";
import { actorFor, context, db } from "@/lib/test/helpers";
import { keyRow, keyTablesSnapshot, makeKey, memberWithPermissions, pinOf } from "@/lib/test/keys";

const NALEDI = "naledi@acme.example";
const DAY = 86_400_000;
const HOUR = 3_600_000;
const THREE = ["accounts:view", "balances:view", "transactions:view"];

/** Records that the key used these permissions, `daysAgo` days ago — what the API's usage counter writes. */
async function used(keyId: string, uses: Record<string, number>) {
  for (const [permission, daysAgo] of Object.entries(uses)) {
    await db()
      .insert(apiKeyPermissionUse)
      .values({ keyId, permission, lastUsedAt: new Date(Date.now() - daysAgo * DAY) })
      .onConflictDoUpdate({ target: [apiKeyPermissionUse.keyId, apiKeyPermissionUse.permission], set: { lastUsedAt: new Date(Date.now() - daysAgo * DAY) } });
  }
}

/** A key made 120 days ago, its use recorded from then: the window is the last 90 days. */
async function makeOldKey(email: string, overrides: Record<string, unknown>) {
  const key = await makeKey(email, overrides);
  const then = new Date(Date.now() - 120 * DAY);
  await db().update(apiKeys).set({ createdAt: then, usageTrackedSince: then }).where(eq(apiKeys.id, key.id));
  return key;
}

async function narrow(keyId: string, overlap: string, email = NALEDI, pin = pinOf(email)) {
  return renewKeyNarrower(db(), await actorFor(email), { keyId, overlap, pin }, context);
}

/** What the bank API answers a key, through the real dispatcher. */
async function api(key: string, path: string) {
  const response = await dispatchApi(new Request(`http://bank.test${path}`, { headers: { "x-api-key": key } }));
  return { status: response.status, code: response.status === 200 ? null : ((await response.json()) as { error: { code: string } }).error.code };
}

async function verdict(secret: string, at: Date): Promise<string> {
  try {
    await verifyCredential(db(), { kind: "key", secret }, at);
    return "ok";
  } catch (error) {
    return (error as { code: string }).code;
  }
}

async function accessOf(keyId: string) {
  const accountIds = (await db().select().from(apiKeyAccounts).where(eq(apiKeyAccounts.keyId, keyId))).map((r) => r.accountId).sort();
  const companyIds = (await db().select().from(apiKeyCompanies).where(eq(apiKeyCompanies.keyId, keyId))).map((r) => r.companyId).sort();
  return { accountIds, companyIds };
}

let acmeId: string;
beforeAll(async () => {
  await seedDemoData(db());
  const [acme] = await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, ORG_NAMES.acme));
  acmeId = acme!.id;
});

describe("renew as a narrower key", () => {
  it("narrower renewal creates exactly the used permissions, on the same accounts, companies, application and mode", async () => {
    const old = await makeOldKey(NALEDI, { permissions: THREE, description: "Nightly sync" });
    await used(old.id, { "accounts:view": 0, "balances:view": 10 });
    const before = await keyRow(old.id);

    const renewed = await narrow(old.id, "1h");

    const fresh = await keyRow(renewed.id);
    expect(fresh.permissions).toEqual(["accounts:view", "balances:view"]);
    expect(renewed.kept).toEqual(["accounts:view", "balances:view"]);
    expect(renewed.dropped).toEqual(["transactions:view"]);
    expect(await accessOf(renewed.id)).toEqual(await accessOf(old.id));
    expect((await accessOf(renewed.id)).companyIds).toHaveLength(1);
    expect([fresh.applicationId, fresh.mode, fresh.description, fresh.allowedIps]).toEqual([
      before.applicationId,
      before.mode,
      "Nightly sync",
      before.allowedIps,
    ]);
    expect(fresh.alias).toBe(`${old.alias} (narrowed)`);
    expect(fresh.expiresAt.getTime() - Date.now()).toBeGreaterThan(90 * DAY - 60_000);
    expect(fresh.secretHash).not.toBe(before.secretHash);
    expect(renewed.key).toMatch(/^lk_live_/);

    // The new secret works for what it kept and is refused what it dropped.
    const [accountId] = (await accessOf(renewed.id)).accountIds;
    expect(await api(renewed.key, "/api/v1/accounts")).toEqual({ status: 200, code: null });
    expect(await api(renewed.key, `/api/v1/accounts/${accountId}/balance`)).toEqual({ status: 200, code: null });
    expect(await api(renewed.key, `/api/v1/accounts/${accountId}/transactions`)).toEqual({ status: 403, code: "insufficient_permission" });

    // The old key is replaced, and keeps working for the hour.
    const oldRow = await keyRow(old.id);
    expect(oldRow.replacedBy).toBe(renewed.id);
    expect(oldRow.revokedAt).toBeNull();
    expect(oldRow.retiresAt!.getTime() - Date.now()).toBeGreaterThan(HOUR - 60_000);
    expect(oldRow.retiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(HOUR + 1_000);
    expect(renewed.retiresAt).toEqual(oldRow.retiresAt);
    expect(await api(old.key, `/api/v1/accounts/${accountId}/transactions`)).toEqual({ status: 200, code: null });
    expect(await verdict(old.key, new Date(oldRow.retiresAt!.getTime() - 1))).toBe("ok");
    expect(await verdict(old.key, oldRow.retiresAt!)).toBe("invalid_key");

    const naledi = await actorFor(NALEDI);
    expect(await keyReplacement(db(), naledi, old.id)).toEqual({ retiresAt: oldRow.retiresAt, successor: { id: renewed.id, alias: fresh.alias } });
    expect(await keyReplacement(db(), naledi, renewed.id)).toBeNull();

    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, old.id), eq(auditEvents.action, "key.renew_narrower"), eq(auditEvents.outcome, "success")));
    expect(audit).toMatchObject({
      actorUserId: naledi.user.id,
      metadata: {
        alias: old.alias,
        newKeyId: renewed.id,
        newAlias: fresh.alias,
        kept: "accounts:view balances:view",
        dropped: "transactions:view",
        overlap: "1h",
        retiresAt: oldRow.retiresAt!.toISOString(),
      },
    });
    const [creation] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, renewed.id), eq(auditEvents.action, "key.create")));
    expect(creation!.metadata).toMatchObject({ alias: fresh.alias, permissions: "accounts:view balances:view", replaces: old.id, replacesAlias: old.alias });

    // Once the overlap has ended, the old key is refused as deleted and leaves the list and its page.
    await changingKeyAccess(db(), () => db().update(apiKeys).set({ retiresAt: sql`now() - interval '1 second'` }).where(eq(apiKeys.id, old.id)));
    expect(await api(old.key, "/api/v1/accounts")).toEqual({ status: 401, code: "invalid_key" });
    expect(await api(renewed.key, "/api/v1/accounts")).toEqual({ status: 200, code: null });
    await expect(getKey(db(), naledi, old.id)).rejects.toBeInstanceOf(NotFoundError);
    const listed = await listKeys(db(), naledi, { q: old.alias });
    expect(listed.keys.map((k) => k.alias)).toEqual([fresh.alias]);
  });

  it("“at once” deletes the old key now: the API refuses it immediately", async () => {
    const old = await makeOldKey(NALEDI, { permissions: THREE });
    await used(old.id, { "transactions:view": 1 });
    expect(await api(old.key, "/api/v1/accounts")).toEqual({ status: 200, code: null });
    const renewed = await narrow(old.id, "none");
    expect(renewed.retiresAt).toBeNull();
    expect(await api(old.key, "/api/v1/accounts")).toEqual({ status: 401, code: "invalid_key" });
    const oldRow = await keyRow(old.id);
    const naledi = await actorFor(NALEDI);
    expect(oldRow).toMatchObject({ replacedBy: renewed.id, revokedBy: naledi.user.id, retiresAt: null });
    expect(oldRow.revokedAt).not.toBeNull();
    expect((await keyRow(renewed.id)).permissions).toEqual(["transactions:view"]);
    const [accountId] = (await accessOf(renewed.id)).accountIds;
    expect(await api(renewed.key, `/api/v1/accounts/${accountId}/transactions`)).toEqual({ status: 200, code: null });
    expect(await api(renewed.key, "/api/v1/accounts")).toEqual({ status: 403, code: "insufficient_permission" });
  });

  it("reads use over the last 90 days only, and says honestly since when use is known", async () => {
    const naledi = await actorFor(NALEDI);
    const young = await makeKey(NALEDI, { permissions: THREE });
    await used(young.id, { "accounts:view": 0 });
    const youngView = await describeNarrowerRenewal(db(), naledi, young.id);
    expect(youngView.honestWindowText).toMatch(/^since it was created on \d{1,2} \w{3} \d{4}$/);
    expect(youngView.unusedSentence).toBe(`Not used ${youngView.honestWindowText}: Balances (view), Transactions (view).`);
    expect(youngView).toMatchObject({ canNarrow: true, unused: ["balances:view", "transactions:view"] });
    expect(youngView.used.map((u) => u.permission)).toEqual(["accounts:view"]);

    // An old key: use older than 90 days does not count.
    const veteran = await makeOldKey(NALEDI, { permissions: THREE });
    await db()
      .update(apiKeys)
      .set({ createdAt: new Date(Date.now() - 200 * DAY), usageTrackedSince: new Date(Date.now() - 200 * DAY) })
      .where(eq(apiKeys.id, veteran.id));
    await used(veteran.id, { "accounts:view": 89, "balances:view": 91 });
    const veteranView = await describeNarrowerRenewal(db(), naledi, veteran.id);
    expect(veteranView.honestWindowText).toBe("in the last 90 days");
    expect(veteranView.unused).toEqual(["balances:view", "transactions:view"]);
    expect(veteranView.windowStart.getTime()).toBeCloseTo(Date.now() - 90 * DAY, -4);

    // Use recorded only since 10 days ago: it says so rather than "in the last 90 days".
    await db()
      .update(apiKeys)
      .set({ usageTrackedSince: new Date(Date.now() - 10 * DAY) })
      .where(eq(apiKeys.id, veteran.id));
    const honest = await describeNarrowerRenewal(db(), naledi, veteran.id);
    expect(honest.honestWindowText).toMatch(/^since \d{1,2} \w{3} \d{4}$/);
    expect(honest.unusedSentence).toMatch(/^Not used since \d{1,2} \w{3} \d{4}: Balances \(view\), Transactions \(view\)\.$/);

    // A member who may not create keys sees the use, but is told why they cannot narrow it.
    const viewer = await describeNarrowerRenewal(db(), await actorFor("aisha@acme.example"), veteran.id);
    expect(viewer).toMatchObject({ canNarrow: false, reason: "Your role cannot create keys, so it cannot renew one as a narrower key." });
  });

  it("refuses a key that used nothing, used everything, waits for approval, leaked or was replaced — and changes nothing", async () => {
    const naledi = await actorFor(NALEDI);
    const idle = await makeOldKey(NALEDI, { permissions: THREE });
    const busy = await makeOldKey(NALEDI, { permissions: THREE });
    await used(busy.id, { "accounts:view": 1, "balances:view": 1, "transactions:view": 1 });
    const waiting = await makeOldKey(NALEDI, { permissions: THREE });
    await used(waiting.id, { "accounts:view": 1 });
    await db().update(apiKeys).set({ pendingApprovalSince: new Date() }).where(eq(apiKeys.id, waiting.id));
    const leaked = await makeOldKey(NALEDI, { permissions: THREE });
    await used(leaked.id, { "accounts:view": 1 });
    await db().update(apiKeys).set({ leakedAt: new Date() }).where(eq(apiKeys.id, leaked.id));
    const replaced = await makeOldKey(NALEDI, { permissions: THREE });
    await used(replaced.id, { "accounts:view": 1 });
    await narrow(replaced.id, "7d");

    const cases: [string, RegExp][] = [
      [idle.id, /used none of its permissions .*Delete it instead\.$/],
      [busy.id, /used every one of its permissions .*Renew it instead\.$/],
      [waiting.id, /waits for a second member’s approval/],
      [leaked.id, /found in public, so it cannot be renewed/],
      [replaced.id, /already renewed as a narrower key/],
    ];
    for (const [keyId, message] of cases) {
      const before = await keyTablesSnapshot();
      const code = keyId === leaked.id ? "key_leaked" : "conflict";
      await expect(narrow(keyId, "1h")).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
      expect(await keyTablesSnapshot()).toBe(before);
      const view = await describeNarrowerRenewal(db(), naledi, keyId);
      expect(view.canNarrow).toBe(false);
      expect(view.reason).toMatch(message);
    }
  });

  it("a key a narrower key replaces is not renewed during its overlap, alone or with “Renew all”", async () => {
    const old = await makeOldKey(NALEDI, { permissions: THREE });
    await used(old.id, { "accounts:view": 1 });
    await db()
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() + 2 * DAY) })
      .where(eq(apiKeys.id, old.id));
    await narrow(old.id, "24h");
    const before = await keyTablesSnapshot();
    await expect(renewKey(db(), await actorFor(NALEDI), { keyId: old.id, pin: pinOf(NALEDI) }, context)).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/renewed as a narrower key .*Renew the new key instead\.$/),
    });
    expect(await keyTablesSnapshot()).toBe(before);
    // The list's "Renew all" does not offer it either.
    const list = await listKeys(db(), await actorFor(NALEDI), {});
    expect(list.dueIds).not.toContain(old.id);
  });

  it("copies payment limits only when the new key still moves money, and maker-checker holds a money key for approval", async () => {
    const limited = await makeOldKey(NALEDI, { permissions: ["accounts:view", "balances:view", "transfers:edit"], maxPerPayment: 5_000, maxPerDay: 20_000 });
    await used(limited.id, { "accounts:view": 3, "transfers:edit": 1 });
    await db().update(organisations).set({ keyApprovalRequired: true }).where(eq(organisations.id, acmeId));
    try {
      const renewed = await narrow(limited.id, "24h");
      const row = await keyRow(renewed.id);
      expect(row.permissions).toEqual(["accounts:view", "transfers:edit"]);
      expect([row.maxPerPayment, row.maxPerDay]).toEqual([5_000n, 20_000n]);
      expect(renewed.pendingApproval).toBe(true);
      expect(row.pendingApprovalSince).not.toBeNull();
      // The old key carries the integration while the new one waits.
      expect(await verdict(limited.key, new Date())).toBe("ok");
      expect(await verdict(renewed.key, new Date())).toBe("key_pending_approval");
    } finally {
      await db().update(organisations).set({ keyApprovalRequired: false }).where(eq(organisations.id, acmeId));
    }

    const readOnly = await makeOldKey(NALEDI, { permissions: ["accounts:view", "transfers:edit"], maxPerDay: 20_000 });
    await used(readOnly.id, { "accounts:view": 3 });
    const renewed = await narrow(readOnly.id, "1h");
    const row = await keyRow(renewed.id);
    expect([row.permissions, row.maxPerPayment, row.maxPerDay, renewed.pendingApproval]).toEqual([["accounts:view"], null, null, false]);
  });

  it("suffixes the alias once, counts up when taken, and stays within 64 characters", async () => {
    expect(narrowedAlias("ERP sync", 1)).toBe("ERP sync (narrowed)");
    expect(narrowedAlias("ERP sync (narrowed)", 1)).toBe("ERP sync (narrowed)");
    expect(narrowedAlias("ERP sync (narrowed 2)", 3)).toBe("ERP sync (narrowed 3)");
    const long = "L".repeat(64);
    expect(narrowedAlias(long, 12)).toBe(`${"L".repeat(50)} (narrowed 12)`);
    expect(narrowedAlias(long, 12)).toHaveLength(64);

    const first = await makeOldKey(NALEDI, { alias: "Payroll feed", permissions: THREE });
    await makeOldKey(NALEDI, { alias: "Payroll feed (narrowed)", permissions: THREE });
    await used(first.id, { "accounts:view": 1 });
    const renewed = await narrow(first.id, "1h");
    expect(renewed.alias).toBe("Payroll feed (narrowed 2)");
    // Narrowing the narrowed key again does not stack suffixes; the old one still holds its alias during the overlap.
    await used(renewed.id, { "accounts:view": 0 });
    await db()
      .update(apiKeys)
      .set({ permissions: ["accounts:view", "balances:view"] })
      .where(eq(apiKeys.id, renewed.id));
    const again = await narrow(renewed.id, "1h");
    expect(again.alias).toBe("Payroll feed (narrowed 3)");

    const lengthy = await makeOldKey(NALEDI, { alias: "M".repeat(64), permissions: THREE });
    await used(lengthy.id, { "accounts:view": 1 });
    expect((await narrow(lengthy.id, "1h")).alias).toBe(`${"M".repeat(53)} (narrowed)`);
  });
});

describe("who may renew as a narrower key", () => {
  it("needs keys:create and keys:renew; each refusal is audited and changes nothing", async () => {
    const rows: [string, string[], "allowed" | "refused"][] = [
      ["narrow none", ["keys:view"], "refused"],
      ["narrow create", ["keys:view", "keys:create"], "refused"],
      ["narrow renew", ["keys:view", "keys:renew"], "refused"],
      ["narrow both", ["keys:view", "keys:create", "keys:renew"], "allowed"],
    ];
    for (const [label, permissions, expected] of rows) {
      const actor = await memberWithPermissions(acmeId, permissions, label);
      const key = await makeOldKey(NALEDI, { permissions: THREE });
      await used(key.id, { "accounts:view": 1 });
      const before = await keyTablesSnapshot();
      const denied = () => db().$count(auditEvents, and(eq(auditEvents.actorUserId, actor.user.id), eq(auditEvents.outcome, "denied")));
      const deniedBefore = await denied();
      const attempt = renewKeyNarrower(db(), actor, { keyId: key.id, overlap: "1h", pin: "482915" }, context);
      if (expected === "allowed") {
        await expect(attempt, label).resolves.toMatchObject({ replaces: key.id });
        continue;
      }
      await expect(attempt, label).rejects.toBeInstanceOf(AccessError);
      expect(await keyTablesSnapshot()).toBe(before);
      expect(await denied()).toBe(deniedBefore + 1);
      const [row] = await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.actorUserId, actor.user.id), eq(auditEvents.outcome, "denied")));
      expect(row).toMatchObject({ action: "key.renew_narrower", targetId: key.id });
    }
    // The dialog's question needs only keys:view; without it, refused and audited like any command.
    const outsider = await memberWithPermissions(acmeId, ["audit:view"], "narrow describe none");
    const someKey = await makeOldKey(NALEDI, { permissions: THREE });
    await expect(describeNarrowerRenewal(db(), outsider, someKey.id)).rejects.toBeInstanceOf(AccessError);
    await expect(describeNarrowerRenewalCommand(db(), outsider, { keyId: someKey.id }, context)).rejects.toBeInstanceOf(AccessError);
    expect(await db().$count(auditEvents, and(eq(auditEvents.actorUserId, outsider.user.id), eq(auditEvents.outcome, "denied")))).toBe(1);
    // The demo's roles: the key renewer and the viewer may not; the Admin may.
    for (const [email, allowed] of [
      ["johan@acme.example", false],
      ["aisha@acme.example", false],
      ["sipho@acme.example", false],
      ["pieter@acme.example", true],
    ] as const) {
      const key = await makeOldKey(NALEDI, { permissions: THREE });
      await used(key.id, { "balances:view": 1 });
      const attempt = narrow(key.id, "1h", email);
      if (allowed) await expect(attempt).resolves.toMatchObject({ kept: ["balances:view"] });
      else await expect(attempt, email).rejects.toBeInstanceOf(AccessError);
    }
  });

  it("another organisation's key is not found, to narrowing and to the dialog alike", async () => {
    const nkosi = await makeOldKey("thabo@nkosi.example", { permissions: THREE });
    await used(nkosi.id, { "accounts:view": 1 });
    const before = await keyTablesSnapshot();
    const naledi = await actorFor(NALEDI);
    await expect(renewKeyNarrower(db(), naledi, { keyId: nkosi.id, overlap: "1h", pin: pinOf(NALEDI) }, context)).rejects.toBeInstanceOf(NotFoundError);
    // The action boundary records the attempt as denied at the tenancy boundary, as for every key action.
    expect(await recordAttemptOutsideOrganisation(db(), naledi, context)).toBe(true);
    await expect(describeNarrowerRenewal(db(), naledi, nkosi.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await keyReplacement(db(), naledi, nkosi.id)).toBeNull();
    expect(await keyTablesSnapshot()).toBe(before);
    const [row] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, nkosi.id), eq(auditEvents.action, "key.renew_narrower"), eq(auditEvents.outcome, "denied")));
    expect(row!.metadata).toMatchObject({ reason: "not_in_organisation" });
  });

  it("refuses hostile input on its field, a wrong PIN, and changes nothing", async () => {
    const key = await makeOldKey(NALEDI, { permissions: THREE });
    await used(key.id, { "accounts:view": 1 });
    const naledi = await actorFor(NALEDI);
    const pin = pinOf(NALEDI);
    const cases: [unknown, string][] = [
      [{ keyId: key.id, overlap: "forever", pin }, "overlap"],
      [{ keyId: key.id, overlap: 1, pin }, "overlap"],
      [{ keyId: key.id, overlap: null, pin }, "overlap"],
      [{ keyId: key.id, pin }, "overlap"],
      [{ keyId: key.id, overlap: "1h\u0000", pin }, "overlap"],
      [{ keyId: `${key.id}\u0000`, overlap: "1h", pin }, "keyId"],
      [{ keyId: "x".repeat(100_000), overlap: "1h", pin }, "keyId"],
      [{ keyId: "not-a-key", overlap: "1h", pin }, "keyId"],
      [{ keyId: 42, overlap: "1h", pin }, "keyId"],
      [{ keyId: key.id, overlap: "1h" }, "pin"],
      [{ keyId: key.id, overlap: "1h", pin: 731904 }, "pin"],
      [{ keyId: key.id, overlap: "1h", pin: "73190\u0000" }, "pin"],
    ];
    const before = await keyTablesSnapshot();
    for (const [input, field] of cases) {
      const refusal = renewKeyNarrower(db(), naledi, input, context);
      await expect(refusal, JSON.stringify(input).slice(0, 80)).rejects.toMatchObject({
        code: "invalid_request",
        fieldErrors: { [field]: expect.any(String) },
      });
    }
    await expect(renewKeyNarrower(db(), naledi, { keyId: key.id, overlap: "1h", pin, extra: true }, context)).rejects.toMatchObject({
      code: "invalid_request",
    });
    await expect(renewKeyNarrower(db(), naledi, "renew", context)).rejects.toMatchObject({ code: "invalid_request" });
    await expect(renewKeyNarrower(db(), naledi, { keyId: key.id, overlap: "1h", pin: "000000" }, context)).rejects.toMatchObject({ code: "pin_invalid" });
    expect(await keyTablesSnapshot()).toBe(before);
    expect(await api(key.key, "/api/v1/accounts")).toEqual({ status: 200, code: null });
  });
});

describe("the jobs round retires replaced keys", () => {
  it("turns each key past its overlap into a tombstone once, audited as the system; a key still in its overlap stays", async () => {
    // Keys the tests above left past their overlap go first.
    await retireReplacedKeys(db());
    const gone = await makeOldKey(NALEDI, { permissions: THREE });
    await used(gone.id, { "accounts:view": 1 });
    const goneNew = await narrow(gone.id, "1h");
    const staying = await makeOldKey(NALEDI, { permissions: THREE });
    await used(staying.id, { "accounts:view": 1 });
    await narrow(staying.id, "7d");
    const retiredAt = new Date(Date.now() - 5 * 60_000);
    await db().update(apiKeys).set({ retiresAt: retiredAt }).where(eq(apiKeys.id, gone.id));

    const first = await runJobs(db());
    expect(first.replacedKeysRetired).toBe(1);
    const row = await keyRow(gone.id);
    expect(row.revokedAt).toEqual(retiredAt);
    expect(row.replacedBy).toBe(goneNew.id);
    expect((await keyRow(staying.id)).revokedAt).toBeNull();
    const audits = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, gone.id), eq(auditEvents.action, "key.retired")));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorLabel: "system", actorUserId: null, outcome: "success", metadata: { alias: gone.alias, replacedBy: goneNew.id } });
    expect(await api(gone.key, "/api/v1/accounts")).toEqual({ status: 401, code: "invalid_key" });

    // Idempotent: a second round finds nothing; the alias is free again for a new key.
    expect(await retireReplacedKeys(db())).toEqual({ retired: 0 });
    expect(await db().$count(auditEvents, and(eq(auditEvents.targetId, gone.id), eq(auditEvents.action, "key.retired")))).toBe(1);
    await expect(makeKey(NALEDI, { alias: gone.alias })).resolves.toMatchObject({ alias: gone.alias });

    // With a clock past the 7 days, the other goes too.
    expect((await retireReplacedKeys(db(), new Date(Date.now() + 8 * DAY))).retired).toBeGreaterThanOrEqual(1);
    expect((await keyRow(staying.id)).revokedAt).not.toBeNull();
  });
});
