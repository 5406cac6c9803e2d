import { and, desc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { changePin } from "@/lib/auth/change-pin";
import { PASSKEY_REQUIRED } from "@/lib/auth/command";
import { stepUpDigest } from "@/lib/auth/passkey";
import { searchAuditEvents } from "@/lib/audit/list-events";
import { verifyAuditChains } from "@/lib/audit/verify-chain";
import { auditEvents, organisations, passkeys, payments, users, webauthnChallenges } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { NotFoundError, PasskeyChallenge } from "@/lib/errors";
import { createKey } from "@/lib/keys/create-key";
import { deleteKey } from "@/lib/keys/delete-key";
import { regenerateKey } from "@/lib/keys/regenerate-key";
import { renewKey } from "@/lib/keys/renew-key";
import { setPasskeyRequirement } from "@/lib/organisations/set-passkey-requirement";
import { decidePayment } from "@/lib/payments/decide-payment";
import { domainRefusal } from "@/lib/test/outcomes";
import { pendingPayment } from "@/lib/test/payments";
import { actorFor, context, db } from "@/lib/test/helpers";
import { keyRow, keyTablesSnapshot, makeKey, pinOf, validKeyInput } from "@/lib/test/keys";
import { addPasskey, passkeyFor, type SoftAuthenticator } from "@/lib/test/passkeys";

const NALEDI = "naledi@acme.example";
const PIETER = "pieter@acme.example";
const MONEY = ["accounts:view", "balances:view", "payments:view", "payments:edit"];

let acmeId: string;
let naledi: Actor;
let nalediKey: SoftAuthenticator;
let nalediPasskeyId: string;
let pieter: Actor;
let pieterKey: SoftAuthenticator;

beforeAll(async () => {
  await seedDemoData(db());
  const [acme] = await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, ORG_NAMES.acme));
  acmeId = acme!.id;
  naledi = await actorFor(NALEDI);
  const added = await addPasskey(naledi, "Naledi's laptop");
  nalediKey = added.authenticator;
  nalediPasskeyId = added.id;
  pieter = await actorFor(PIETER);
  pieterKey = (await addPasskey(pieter, "Pieter's phone")).authenticator;
});

const refusal = domainRefusal;

/** The newest `auth.passkey_failed` row of the user. */
async function lastPasskeyFailure(userId: string) {
  const [row] = await db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, "auth.passkey_failed"), eq(auditEvents.actorUserId, userId)))
    .orderBy(desc(auditEvents.chainSeq))
    .limit(1);
  return row;
}

async function failureCount(userId: string) {
  return db().$count(auditEvents, and(eq(auditEvents.action, "auth.passkey_failed"), eq(auditEvents.actorUserId, userId)));
}

/** A passkey refusal: `passkey_invalid` naming the passkey field, audited with `reason`, the key tables as they were. */
async function expectRefused(attempt: () => Promise<unknown>, actor: Actor, reason: string) {
  const before = await keyTablesSnapshot();
  const failures = await failureCount(actor.user.id);
  const error = await refusal(attempt());
  expect([error.code, error.fieldErrors]).toEqual(["passkey_invalid", { passkey: "Confirm again with your passkey" }]);
  expect(await keyTablesSnapshot()).toBe(before);
  expect(await failureCount(actor.user.id)).toBe(failures + 1);
  const row = await lastPasskeyFailure(actor.user.id);
  expect(row).toMatchObject({ outcome: "failure", targetType: "user", targetId: actor.user.id, orgId: acmeId });
  expect(row!.metadata).toMatchObject({ reason });
  // Never the assertion itself.
  expect(Object.keys(row!.metadata as object).sort()).toEqual(["forAction", "forTarget", "reason"]);
  return error;
}

async function pinState(userId: string) {
  const [row] = await db().select({ failures: users.pinFailedAttempts, lockedUntil: users.pinLockedUntil }).from(users).where(eq(users.id, userId));
  return row!;
}

describe("a PIN-confirmed command issues the passkey challenge for itself", () => {
  it('`passkey: "challenge"` authorizes and loads as for the change, then answers with a challenge for that action on that target alone', async () => {
    const key = await makeKey(NALEDI);
    const before = await keyTablesSnapshot();
    const asked = await refusal(renewKey(db(), naledi, { keyId: key.id, passkey: "challenge" }, context));
    expect(asked).toBeInstanceOf(PasskeyChallenge);
    const { challenge } = asked as PasskeyChallenge;
    expect([challenge.userVerification, challenge.timeout]).toEqual(["required", 120_000]);
    const [row] = await db().select().from(webauthnChallenges).where(eq(webauthnChallenges.challenge, challenge.challenge));
    expect(row).toMatchObject({
      userId: naledi.user.id,
      orgId: acmeId,
      purpose: "step_up",
      action: "key.renew",
      targetId: key.id,
      inputDigest: stepUpDigest({ keyId: key.id }),
      usedAt: null,
    });
    expect(await keyTablesSnapshot()).toBe(before);

    // The authenticator's answer to it renews that key.
    const expiresBefore = (await keyRow(key.id)).expiresAt;
    await renewKey(db(), naledi, { keyId: key.id, passkey: nalediKey.assert(challenge) }, context);
    expect((await keyRow(key.id)).expiresAt.getTime()).toBeGreaterThan(expiresBefore.getTime());

    // Nobody gets a challenge for what they may not do: a Viewer, or a member of another organisation.
    const challengesOf = (userId: string) => db().$count(webauthnChallenges, eq(webauthnChallenges.userId, userId));
    const aisha = await actorFor("aisha@acme.example");
    await addPasskey(aisha, "Aisha's phone");
    const thabo = await actorFor("thabo@nkosi.example");
    await addPasskey(thabo, "Thabo's key");
    const [aishaBefore, thaboBefore] = [await challengesOf(aisha.user.id), await challengesOf(thabo.user.id)];
    await expect(renewKey(db(), aisha, { keyId: key.id, passkey: "challenge" }, context)).rejects.toThrow();
    await expect(renewKey(db(), thabo, { keyId: key.id, passkey: "challenge" }, context)).rejects.toBeInstanceOf(NotFoundError);
    expect([await challengesOf(aisha.user.id), await challengesOf(thabo.user.id)]).toEqual([aishaBefore, thaboBefore]);
  });

  it("a member without a passkey is told how to add one; a PIN-only command refuses to issue one", async () => {
    const key = await makeKey(NALEDI);
    const sipho = await actorFor("sipho@acme.example");
    const none = await refusal(deleteKey(db(), naledi, { keyId: key.id, confirmAlias: key.alias, passkey: "challenge" }, context));
    expect(none).toBeInstanceOf(PasskeyChallenge);
    const noPasskey = await refusal(changePin(db(), sipho, { newPin: "135792", confirmNewPin: "135792", passkey: "challenge" }, context));
    expect(noPasskey.code).toBe("passkey_invalid");
  });
});

describe("a passkey assertion confirms exactly one action, on one target, by one member, once, within 2 minutes", () => {
  it("an assertion captured for renewing key A is refused for key B, for deleting A, by another member, a second time and after 2 minutes", async () => {
    const keyA = await makeKey(NALEDI);
    const keyB = await makeKey(NALEDI);
    const captured = await passkeyFor(naledi, nalediKey, renewKey, { keyId: keyA.id });

    // Another target.
    await expectRefused(() => renewKey(db(), naledi, { keyId: keyB.id, passkey: captured }, context), naledi, "wrong_target");
    expect((await lastPasskeyFailure(naledi.user.id))!.metadata).toEqual({ reason: "wrong_target", forAction: "key.renew", forTarget: keyB.id });
    // Another action on the same key.
    await expectRefused(() => deleteKey(db(), naledi, { keyId: keyA.id, confirmAlias: keyA.alias, passkey: captured }, context), naledi, "wrong_action");
    // Another member, who may renew keys and has a passkey of their own.
    await expectRefused(() => renewKey(db(), pieter, { keyId: keyA.id, passkey: captured }, context), pieter, "wrong_member");

    // The same action with another input: an assertion made for creating one key confirms no other.
    const input = await validKeyInput(naledi, { alias: "Confirmed alias" });
    const forThisKey = await passkeyFor(naledi, nalediKey, createKey, input);
    await expectRefused(() => createKey(db(), naledi, { ...input, alias: "Swapped alias", passkey: forThisKey }, context), naledi, "wrong_input");
    await expectRefused(
      () => createKey(db(), naledi, { ...input, permissions: [...input.permissions, "payments:edit"], passkey: forThisKey }, context),
      naledi,
      "wrong_input",
    );

    // What it was issued for: renewed, and the renewal's own audit row names the passkey.
    const expiresBefore = (await keyRow(keyA.id)).expiresAt;
    await renewKey(db(), naledi, { keyId: keyA.id, passkey: captured }, context);
    expect((await keyRow(keyA.id)).expiresAt.getTime()).toBeGreaterThan(expiresBefore.getTime());
    const [renewed] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "key.renew"), eq(auditEvents.targetId, keyA.id), eq(auditEvents.outcome, "success")));
    expect(renewed!.metadata).toMatchObject({ confirmedWith: "passkey", passkey: "Naledi's laptop", passkeyId: nalediPasskeyId });
    // The audit log says so, and names the passkey added earlier.
    const renewals = (await searchAuditEvents(db(), naledi, { action: "key.renew" })).events;
    expect(renewals.find((e) => e.id === renewed!.id)).toMatchObject({ confirmedWithPasskey: "Naledi's laptop" });
    const added = (await searchAuditEvents(db(), naledi, { action: "passkey.added" })).events;
    expect(added.find((e) => e.targetId === nalediPasskeyId)).toMatchObject({
      targetLabel: "Naledi's laptop",
      confirmedWithPasskey: null,
    });

    // A second time.
    await expectRefused(() => renewKey(db(), naledi, { keyId: keyA.id, passkey: captured }, context), naledi, "used");

    // After 2 minutes.
    const late = await passkeyFor(naledi, nalediKey, renewKey, { keyId: keyA.id });
    await db()
      .update(webauthnChallenges)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(webauthnChallenges.challenge, JSON.parse(Buffer.from(late.response.clientDataJSON, "base64url").toString()).challenge));
    await expectRefused(() => renewKey(db(), naledi, { keyId: keyA.id, passkey: late }, context), naledi, "expired");
  });

  it("a challenge is issued for 2 minutes exactly, and each refusal leaves the PIN's count alone", async () => {
    const key = await makeKey(NALEDI);
    const assertion = await passkeyFor(naledi, nalediKey, deleteKey, { keyId: key.id, confirmAlias: key.alias });
    const challenge = JSON.parse(Buffer.from(assertion.response.clientDataJSON, "base64url").toString()).challenge as string;
    const [row] = await db().select().from(webauthnChallenges).where(eq(webauthnChallenges.challenge, challenge));
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(120_000);
    expect(await pinState(naledi.user.id)).toEqual({ failures: 0, lockedUntil: null });
    await expectRefused(() => renewKey(db(), naledi, { keyId: key.id, passkey: assertion }, context), naledi, "wrong_action");
    expect(await pinState(naledi.user.id)).toEqual({ failures: 0, lockedUntil: null });
    await deleteKey(db(), naledi, { keyId: key.id, confirmAlias: key.alias, passkey: assertion }, context);
    expect((await keyRow(key.id)).revokedAt).not.toBeNull();
  });
});

describe("the authenticator and the assertion are checked", () => {
  it("refuses a cloned authenticator (its counter does not go up), and of two racing assertions with one counter only one passes", async () => {
    const key = await makeKey(NALEDI);
    await renewKey(db(), naledi, { keyId: key.id, passkey: await passkeyFor(naledi, nalediKey, renewKey, { keyId: key.id }, { counter: 50 }) }, context);
    const [stored] = await db().select({ counter: passkeys.counter, lastUsedAt: passkeys.lastUsedAt }).from(passkeys).where(eq(passkeys.id, nalediPasskeyId));
    expect(stored!.counter).toBe(50);
    expect(stored!.lastUsedAt).not.toBeNull();

    for (const counter of [50, 49, 0]) {
      await expectRefused(
        async () => renewKey(db(), naledi, { keyId: key.id, passkey: await passkeyFor(naledi, nalediKey, renewKey, { keyId: key.id }, { counter }) }, context),
        naledi,
        "counter",
      );
    }
    const twins = [
      await passkeyFor(naledi, nalediKey, renewKey, { keyId: key.id }, { counter: 60 }),
      await passkeyFor(naledi, nalediKey, renewKey, { keyId: key.id }, { counter: 60 }),
    ];
    const results = await Promise.allSettled(twins.map((passkey) => renewKey(db(), naledi, { keyId: key.id, passkey }, context)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason.code).toBe("passkey_invalid");
    const [after] = await db().select({ counter: passkeys.counter }).from(passkeys).where(eq(passkeys.id, nalediPasskeyId));
    expect(after!.counter).toBe(60);
  });

  it("refuses an unverified person, another origin, another relying party, a bad signature and another member's credential", async () => {
    const key = await makeKey(NALEDI);
    const fresh = (opts = {}) => passkeyFor(naledi, nalediKey, renewKey, { keyId: key.id }, opts);
    await expectRefused(
      async () => renewKey(db(), naledi, { keyId: key.id, passkey: await fresh({ userVerified: false }) }, context),
      naledi,
      "user_verification",
    );
    await expectRefused(
      async () => renewKey(db(), naledi, { keyId: key.id, passkey: await fresh({ origin: "https://evil.example" }) }, context),
      naledi,
      "origin",
    );
    await expectRefused(async () => renewKey(db(), naledi, { keyId: key.id, passkey: await fresh({ rpId: "evil.example" }) }, context), naledi, "rp_id");
    const good = await fresh();
    const forged = { ...good, response: { ...good.response, signature: Buffer.from("not a signature").toString("base64url") } };
    await expectRefused(() => renewKey(db(), naledi, { keyId: key.id, passkey: forged }, context), naledi, "signature");
    // Pieter's authenticator answering Naledi's challenge: his credential is not hers.
    const asked = (await refusal(renewKey(db(), naledi, { keyId: key.id, passkey: "challenge" }, context))) as PasskeyChallenge;
    await expectRefused(() => renewKey(db(), naledi, { keyId: key.id, passkey: pieterKey.assert(asked.challenge) }, context), naledi, "unknown_credential");
  });

  it("refuses malformed assertions before reading anything, naming the passkey field; the challenge survives them", async () => {
    const key = await makeKey(NALEDI);
    const good = await passkeyFor(naledi, nalediKey, renewKey, { keyId: key.id });
    const hostile: unknown[] = [
      null,
      "assertion",
      42,
      [],
      {},
      { ...good, extra: true },
      { ...good, id: "x".repeat(1025), rawId: "x".repeat(1025) },
      { ...good, rawId: "different" },
      { ...good, id: "not base64url!", rawId: "not base64url!" },
      { ...good, type: "password" },
      { ...good, response: { ...good.response, signature: "a".repeat(8193) } },
      { ...good, response: { ...good.response, authenticatorData: 12 } },
      { ...good, response: { ...good.response, clientDataJSON: "\u0000" } },
      { ...good, response: { ...good.response, other: "x" } },
      { ...good, response: { ...good.response, clientDataJSON: Buffer.from("{}").toString("base64url") } },
      { ...good, response: { ...good.response, clientDataJSON: Buffer.from("not json").toString("base64url") } },
      { ...good, clientExtensionResults: { big: "x".repeat(2000) } },
      { ...good, authenticatorAttachment: "usb" },
    ];
    for (const passkey of hostile) await expectRefused(() => renewKey(db(), naledi, { keyId: key.id, passkey }, context), naledi, "malformed");
    // A PIN given alongside a passkey is not read; a wrong one does not count.
    await renewKey(db(), naledi, { keyId: key.id, passkey: good, pin: "000000" }, context);
    expect(await pinState(naledi.user.id)).toEqual({ failures: 0, lockedUntil: null });
  });

  it("changing the PIN takes the current PIN only, never a passkey", async () => {
    const pinOf = async () => (await db().select({ pinHash: users.pinHash, pinSetAt: users.pinSetAt }).from(users).where(eq(users.id, naledi.user.id)))[0];
    const before = await pinOf();
    const assertion = await passkeyFor(naledi, nalediKey, renewKey, { keyId: (await makeKey(NALEDI)).id });
    const error = await refusal(changePin(db(), naledi, { newPin: "582047", confirmNewPin: "582047", passkey: assertion }, context));
    expect([error.code, error.fieldErrors]).toEqual(["passkey_invalid", { pin: "Enter your current PIN" }]);
    // The PIN is as it was: the same hash, set at the same moment.
    expect(await pinOf()).toEqual(before);
  });
});

describe("the PIN lock and the passkey are independent", () => {
  it("a locked PIN does not stop a passkey, a passkey failure is not a PIN failure, and both are audited", async () => {
    const key = await makeKey(PIETER);
    // A wrong PIN counts and is audited as a PIN failure.
    expect((await refusal(renewKey(db(), pieter, { keyId: key.id, pin: "000000" }, context))).code).toBe("pin_invalid");
    expect(await pinState(pieter.user.id)).toMatchObject({ failures: 1 });
    expect(await db().$count(auditEvents, and(eq(auditEvents.action, "auth.pin_failed"), eq(auditEvents.actorUserId, pieter.user.id)))).toBe(1);

    // A passkey failure is audited as one, and leaves the PIN's count where it was.
    const elsewhere = await passkeyFor(pieter, pieterKey, deleteKey, { keyId: key.id, confirmAlias: key.alias });
    await expectRefused(() => renewKey(db(), pieter, { keyId: key.id, passkey: elsewhere }, context), pieter, "wrong_action");
    expect(await pinState(pieter.user.id)).toMatchObject({ failures: 1, lockedUntil: null });

    // Locked PIN: the PIN is refused, the passkey still confirms, and the lock stays as it was.
    const lockedUntil = new Date(Date.now() + 15 * 60_000);
    await db().update(users).set({ pinFailedAttempts: 5, pinLockedUntil: lockedUntil }).where(eq(users.id, pieter.user.id));
    expect((await refusal(renewKey(db(), pieter, { keyId: key.id, pin: pinOf(PIETER) }, context))).code).toBe("pin_locked");
    await renewKey(db(), pieter, { keyId: key.id, passkey: await passkeyFor(pieter, pieterKey, renewKey, { keyId: key.id }) }, context);
    const after = await pinState(pieter.user.id);
    expect(after.failures).toBe(5);
    expect(after.lockedUntil!.getTime()).toBe(lockedUntil.getTime());
    await db().update(users).set({ pinFailedAttempts: 0, pinLockedUntil: null }).where(eq(users.id, pieter.user.id));
  });
});

describe("the organisation's passkey requirement for money", () => {
  it("when on, the PIN alone cannot make a key that moves money, regenerate one or approve a payment; a passkey can; other actions keep the PIN", async () => {
    await setPasskeyRequirement(db(), naledi, { required: true, pin: pinOf(NALEDI) }, context);

    // Creating a money-moving key with the PIN: refused before the PIN is checked (a wrong one is not counted), audited.
    const moneyInput = await validKeyInput(naledi, { permissions: MONEY });
    const before = await keyTablesSnapshot();
    for (const pin of [pinOf(NALEDI), "000000"]) {
      const error = await refusal(createKey(db(), naledi, { ...moneyInput, pin }, context));
      expect([error.code, error.message, error.fieldErrors]).toEqual(["passkey_required", PASSKEY_REQUIRED, { pin: "Confirm with a passkey" }]);
    }
    expect(PASSKEY_REQUIRED).toBe("Your organisation requires a passkey for this. Add one under Settings › Passkeys, then confirm with it.");
    expect(await keyTablesSnapshot()).toBe(before);
    expect(await pinState(naledi.user.id)).toEqual({ failures: 0, lockedUntil: null });
    const [denied] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "key.create"), eq(auditEvents.outcome, "denied")))
      .orderBy(desc(auditEvents.chainSeq))
      .limit(1);
    expect(denied!.metadata).toEqual({ reason: "passkey_required" });

    // With a passkey: made, and its audit row names the passkey.
    const made = await createKey(db(), naledi, { ...moneyInput, passkey: await passkeyFor(naledi, nalediKey, createKey, moneyInput) }, context);
    expect((await keyRow(made.id)).permissions).toEqual([...MONEY].sort());
    const [created] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "key.create"), eq(auditEvents.targetId, made.id)));
    expect(created!.metadata).toMatchObject({ confirmedWith: "passkey", passkey: "Naledi's laptop", passkeyId: nalediPasskeyId });

    // Regenerating it with the PIN: refused; with a passkey: done.
    const beforeRegenerate = await keyTablesSnapshot();
    const oldHash = (await keyRow(made.id)).secretHash;
    expect((await refusal(regenerateKey(db(), naledi, { keyId: made.id, overlap: "none", pin: pinOf(NALEDI) }, context))).code).toBe("passkey_required");
    expect(await keyTablesSnapshot()).toBe(beforeRegenerate);
    await regenerateKey(
      db(),
      naledi,
      { keyId: made.id, overlap: "none", passkey: await passkeyFor(naledi, nalediKey, regenerateKey, { keyId: made.id, overlap: "none" }) },
      context,
    );
    expect((await keyRow(made.id)).secretHash).not.toBe(oldHash);

    // A key that moves no money, a renewal, a payment's rejection: the PIN still does.
    const plain = await createKey(db(), naledi, { ...(await validKeyInput(naledi)), pin: pinOf(NALEDI) }, context);
    await renewKey(db(), naledi, { keyId: made.id, pin: pinOf(NALEDI) }, context);
    const { payment: rejected } = await pendingPayment(1_000n, "Passkey test");
    await decidePayment(db(), pieter, { paymentId: rejected.id, decision: "reject", pin: pinOf(PIETER) }, context);

    // Approving a payment moves money: the PIN alone is refused, a passkey approves it.
    const { payment } = await pendingPayment(1_000n, "Passkey test");
    expect((await refusal(decidePayment(db(), pieter, { paymentId: payment.id, decision: "approve", pin: pinOf(PIETER) }, context))).code).toBe(
      "passkey_required",
    );
    expect((await db().select().from(payments).where(eq(payments.id, payment.id)))[0]!.status).toBe("pending_approval");
    await decidePayment(
      db(),
      pieter,
      {
        paymentId: payment.id,
        decision: "approve",
        passkey: await passkeyFor(pieter, pieterKey, decidePayment, { paymentId: payment.id, decision: "approve" }),
      },
      context,
    );
    expect((await db().select().from(payments).where(eq(payments.id, payment.id)))[0]!.status).toBe("executed");

    // Off again: the PIN makes a money-moving key.
    await setPasskeyRequirement(
      db(),
      naledi,
      { required: false, passkey: await passkeyFor(naledi, nalediKey, setPasskeyRequirement, { required: false }) },
      context,
    );
    const again = await createKey(db(), naledi, { ...(await validKeyInput(naledi, { permissions: MONEY })), pin: pinOf(NALEDI) }, context);
    expect((await keyRow(again.id)).permissions).toContain("payments:edit");
    expect(plain.id).toBeTruthy();

    // Every change the passkey confirmed, and every refusal, is in Acme's audit chain, which still verifies.
    const report = await verifyAuditChains(db(), { orgId: acmeId });
    expect(report.broken).toBe(0);
    expect(report.verified).toBe(report.events);
  });
});
