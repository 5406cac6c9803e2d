import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { listAccounts } from "@/lib/api/accounts";
import { verifyCredential } from "@/lib/api/authenticate";
import { flushKeyUse } from "@/lib/api/last-used";
import { AccessError } from "@/lib/auth/errors";
import { auditEvents, organisations } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { NotFoundError } from "@/lib/errors";
import { deleteKey } from "@/lib/keys/delete-key";
import { endPreviousSecret } from "@/lib/keys/end-previous-secret";
import { regenerateKey } from "@/lib/keys/regenerate-key";
import { setOrganisationStatus } from "@/lib/ops/manage-organisation";
import { call } from "@/lib/test/api";
import { actorFor, context, db } from "@/lib/test/helpers";
import { keyRow, keyTablesSnapshot, makeKey, pinOf } from "@/lib/test/keys";

const NALEDI = "naledi@acme.example";
const HOUR = 3_600_000;

/** What the API says of a secret at a given moment: the secret it used, or the refusal's code. */
async function verdict(secret: string, at: Date): Promise<string> {
  try {
    const caller = await verifyCredential(db(), { kind: "key", secret }, at);
    return `${caller.secret} ${caller.prefix}`;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

async function regenerate(keyId: string, overlap: "none" | "1h" | "24h" | "7d" = "none") {
  return regenerateKey(db(), await actorFor(NALEDI), { keyId, overlap, pin: pinOf(NALEDI) }, context);
}

beforeAll(async () => {
  await seedDemoData(db());
});

describe("rolling a key with an overlap", () => {
  it("keeps the old secret working beside the new one until the overlap's last millisecond, cached or not", async () => {
    const created = await makeKey(NALEDI);
    const rolled = await regenerate(created.id, "24h");
    const until = rolled.previousSecretExpiresAt!;
    expect(until.getTime() - Date.now()).toBeGreaterThan(24 * HOUR - 60_000);
    expect(until.getTime() - Date.now()).toBeLessThanOrEqual(24 * HOUR + 1_000);

    const now = new Date();
    expect(await verdict(rolled.key, now)).toBe(`current ${rolled.prefix}`);
    // Twice: the second answer may come from the embedded database's verification cache.
    expect(await verdict(created.key, now)).toBe(`previous ${created.prefix}`);
    expect(await verdict(created.key, new Date(until.getTime() - 1))).toBe(`previous ${created.prefix}`);
    expect(await verdict(created.key, until)).toBe("invalid_key");
    expect(await verdict(created.key, new Date(until.getTime() + HOUR))).toBe("invalid_key");
    expect(await verdict(rolled.key, new Date(until.getTime() + HOUR))).toBe(`current ${rolled.prefix}`);

    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, created.id), eq(auditEvents.action, "key.regenerate")));
    expect(audit!.metadata).toMatchObject({ previousPrefix: created.prefix, prefix: rolled.prefix, previousSecretWorksUntil: until.toISOString() });
  });

  it("without an overlap (the default) the old secret stops at once; a second roll stops the oldest", async () => {
    const created = await makeKey(NALEDI);
    const once = await regenerate(created.id);
    expect(once.previousSecretExpiresAt).toBeNull();
    expect(await verdict(created.key, new Date())).toBe("invalid_key");

    const twice = await regenerate(created.id, "1h");
    const thrice = await regenerate(created.id, "7d");
    expect(await verdict(once.key, new Date())).toBe("invalid_key");
    expect(await verdict(twice.key, new Date())).toBe(`previous ${twice.prefix}`);
    expect(await verdict(thrice.key, new Date())).toBe(`current ${thrice.prefix}`);
  });

  it("records the old secret's use apart from the new one's", async () => {
    const created = await makeKey(NALEDI);
    const rolled = await regenerate(created.id, "1h");
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: created.key })).status).toBe(200);
    await flushKeyUse(db());
    let row = await keyRow(created.id);
    expect(row.previousSecretLastUsedAt).not.toBeNull();
    expect(row.lastUsedAt).toBeNull();
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: rolled.key })).status).toBe(200);
    await flushKeyUse(db());
    row = await keyRow(created.id);
    expect(row.lastUsedAt).not.toBeNull();
  });

  it("“Stop the old secret now” ends it at once, with the PIN, audited; only a member who may regenerate keys", async () => {
    const created = await makeKey(NALEDI);
    const rolled = await regenerate(created.id, "7d");
    const naledi = await actorFor(NALEDI);

    for (const email of ["aisha@acme.example", "johan@acme.example"]) {
      const before = await keyTablesSnapshot();
      await expect(endPreviousSecret(db(), await actorFor(email), { keyId: created.id, pin: pinOf(email) }, context)).rejects.toBeInstanceOf(AccessError);
      expect(await keyTablesSnapshot()).toBe(before);
    }
    await expect(endPreviousSecret(db(), naledi, { keyId: created.id, pin: "000000" }, context)).rejects.toMatchObject({ code: "pin_invalid" });
    const nkosi = await makeKey("thabo@nkosi.example");
    await expect(endPreviousSecret(db(), naledi, { keyId: nkosi.id, pin: pinOf(NALEDI) }, context)).rejects.toBeInstanceOf(NotFoundError);
    expect(await verdict(created.key, new Date())).toBe(`previous ${created.prefix}`);

    await endPreviousSecret(db(), naledi, { keyId: created.id, pin: pinOf(NALEDI) }, context);
    expect(await verdict(created.key, new Date())).toBe("invalid_key");
    expect(await verdict(rolled.key, new Date())).toBe(`current ${rolled.prefix}`);
    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, created.id), eq(auditEvents.action, "key.previous_secret_end"), eq(auditEvents.outcome, "success")));
    expect(audit).toMatchObject({ actorUserId: naledi.user.id });
    // The two roles that may not were refused, and their refusals are on record.
    expect(
      await db().$count(
        auditEvents,
        and(eq(auditEvents.targetId, created.id), eq(auditEvents.action, "key.previous_secret_end"), eq(auditEvents.outcome, "denied")),
      ),
    ).toBeGreaterThanOrEqual(2);
    // Nothing left to stop.
    await expect(endPreviousSecret(db(), naledi, { keyId: created.id, pin: pinOf(NALEDI) }, context)).rejects.toMatchObject({ code: "conflict" });
  });

  it("deleting the key or suspending its organisation ends both secrets at once", async () => {
    const created = await makeKey(NALEDI);
    const rolled = await regenerate(created.id, "24h");
    const [acme] = await db().select().from(organisations).where(eq(organisations.name, ORG_NAMES.acme));
    const operator = await actorFor("ops@bank.example");
    await setOrganisationStatus(db(), operator, { orgId: acme!.id, status: "suspended", pin: pinOf("ops@bank.example") }, context);
    try {
      expect(await verdict(created.key, new Date())).toBe("organisation_suspended");
      expect(await verdict(rolled.key, new Date())).toBe("organisation_suspended");
    } finally {
      await setOrganisationStatus(db(), operator, { orgId: acme!.id, status: "approved", pin: pinOf("ops@bank.example") }, context);
    }
    expect(await verdict(created.key, new Date())).toBe(`previous ${created.prefix}`);

    await deleteKey(db(), await actorFor(NALEDI), { keyId: created.id, confirmAlias: created.alias, pin: pinOf(NALEDI) }, context);
    expect(await verdict(created.key, new Date())).toBe("invalid_key");
    expect(await verdict(rolled.key, new Date())).toBe("invalid_key");
  });

  it("refuses an unknown overlap on its field", async () => {
    const created = await makeKey(NALEDI);
    await expect(
      regenerateKey(db(), await actorFor(NALEDI), { keyId: created.id, overlap: "forever" as never, pin: pinOf(NALEDI) }, context),
    ).rejects.toMatchObject({ code: "invalid_request", fieldErrors: { overlap: "Choose how long the old secret keeps working" } });
    expect(await verdict(created.key, new Date())).toBe(`current ${created.prefix}`);
  });
});
