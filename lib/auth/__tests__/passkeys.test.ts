import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { loadActor } from "@/lib/auth/actor";
import { recordAttemptOutsideOrganisation } from "@/lib/auth/tenancy";
import { auditEvents, organisations, passkeys, users, webauthnChallenges } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { deleteExpiredRows } from "@/lib/jobs/delete-expired-rows";
import { passkeyRequired, setPasskeyRequirement } from "@/lib/organisations/set-passkey-requirement";
import { beginPasskeyRegistration } from "@/lib/passkeys/begin-passkey-registration";
import { finishPasskeyRegistration } from "@/lib/passkeys/finish-passkey-registration";
import { listOwnPasskeys } from "@/lib/passkeys/list-own-passkeys";
import { relyingParty } from "@/lib/passkeys/relying-party";
import { removePasskey } from "@/lib/passkeys/remove-passkey";
import { resetMemberPasskeys } from "@/lib/passkeys/reset-member-passkeys";
import { listMembers } from "@/lib/members/list-members";
import { issueStepUpChallenge } from "@/lib/passkeys/step-up-challenge";
import { domainRefusal } from "@/lib/test/outcomes";
import { actorFor, context, db } from "@/lib/test/helpers";
import { memberWithPermissions, pinOf } from "@/lib/test/keys";
import { addPasskey, passkeyFor, SoftAuthenticator } from "@/lib/test/passkeys";

const NALEDI = "naledi@acme.example";
const PIETER = "pieter@acme.example";
const SIPHO = "sipho@acme.example";
const THABO = "thabo@nkosi.example";

const refusal = domainRefusal;

async function passkeysOf(email: string) {
  const [user] = await db().select({ id: users.id }).from(users).where(eq(users.email, email));
  return db().select().from(passkeys).where(eq(passkeys.userId, user!.id));
}

async function lastAudit(action: string) {
  const [row] = await db()
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.action, action))
    .orderBy(sql`${auditEvents.chainSeq} desc nulls last, ${auditEvents.occurredAt} desc`)
    .limit(1);
  return row;
}

let acmeId: string;
beforeAll(async () => {
  await seedDemoData(db());
  const [acme] = await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, ORG_NAMES.acme));
  acmeId = acme!.id;
});

describe("adding a passkey", () => {
  it("starts only with the PIN, stores the credential under its name, lists it and the actor knows it", async () => {
    const sipho = await actorFor(SIPHO);
    expect(sipho.user.hasPasskey).toBe(false);
    expect((await refusal(beginPasskeyRegistration(db(), sipho, {}, context))).fieldErrors).toEqual({ pin: "Enter your 6-digit PIN" });
    expect((await refusal(beginPasskeyRegistration(db(), sipho, { pin: "000000" }, context))).code).toBe("pin_invalid");

    const { options } = await beginPasskeyRegistration(db(), sipho, { pin: pinOf(SIPHO) }, context);
    expect(options.rp).toEqual({ name: "Latchkey", id: relyingParty().rpID });
    expect(options.user.name).toBe(SIPHO);
    expect(options.attestation).toBe("none");
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "preferred", userVerification: "required" });
    expect(options.timeout).toBe(120_000);
    const [challenge] = await db().select().from(webauthnChallenges).where(eq(webauthnChallenges.challenge, options.challenge));
    expect(challenge).toMatchObject({ userId: sipho.user.id, purpose: "register", usedAt: null });
    expect(challenge!.expiresAt.getTime() - challenge!.createdAt.getTime()).toBe(120_000);

    const authenticator = new SoftAuthenticator();
    const added = await finishPasskeyRegistration(db(), sipho, { name: "  Work laptop  ", response: authenticator.register(options) }, context);
    expect(added.name).toBe("Work laptop");
    const stored = await passkeysOf(SIPHO);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      id: added.id,
      name: "Work laptop",
      credentialId: authenticator.credentialId,
      counter: 0,
      transports: ["internal"],
      lastUsedAt: null,
    });
    expect(stored[0]!.publicKey.length).toBeGreaterThan(60);
    expect((await lastAudit("passkey.added"))!).toMatchObject({ outcome: "success", targetId: added.id, metadata: { name: "Work laptop" } });

    // The same response again: its challenge is used up.
    expect((await refusal(finishPasskeyRegistration(db(), sipho, { name: "Again", response: authenticator.register(options) }, context))).code).toBe(
      "passkey_invalid",
    );
    expect(await passkeysOf(SIPHO)).toHaveLength(1);

    const list = await listOwnPasskeys(db(), sipho);
    expect(list).toEqual([{ id: added.id, name: "Work laptop", createdAt: stored[0]!.createdAt, lastUsedAt: null }]);
    expect((await actorFor(SIPHO)).user.hasPasskey).toBe(true);
    // Another member sees none of them.
    expect(await listOwnPasskeys(db(), await actorFor(NALEDI))).toEqual([]);
  });

  it("refuses a response for another member's challenge, an unverified person, another origin, and an existing passkey's id", async () => {
    const aisha = await actorFor("aisha@acme.example");
    const johan = await actorFor("johan@acme.example");
    const { options } = await beginPasskeyRegistration(db(), aisha, { pin: pinOf("aisha@acme.example") }, context);
    const authenticator = new SoftAuthenticator();
    // Johan cannot finish Aisha's registration.
    expect((await refusal(finishPasskeyRegistration(db(), johan, { name: "Stolen", response: authenticator.register(options) }, context))).code).toBe(
      "passkey_invalid",
    );
    const fresh = async () => (await beginPasskeyRegistration(db(), aisha, { pin: pinOf("aisha@acme.example") }, context)).options;
    const noUv = await refusal(
      finishPasskeyRegistration(db(), aisha, { name: "No UV", response: authenticator.register(await fresh(), { userVerified: false }) }, context),
    );
    expect(noUv.fieldErrors).toEqual({ response: "Add the passkey again" });
    expect((await lastAudit("passkey.added"))!.metadata).toEqual({ reason: "user_verification" });
    await refusal(
      finishPasskeyRegistration(db(), aisha, { name: "Evil", response: authenticator.register(await fresh(), { origin: "https://evil.example" }) }, context),
    );
    expect(await passkeysOf("aisha@acme.example")).toEqual([]);
    expect(await passkeysOf("johan@acme.example")).toEqual([]);

    await finishPasskeyRegistration(db(), aisha, { name: "Phone", response: authenticator.register(await fresh()) }, context);
    const twice = await refusal(finishPasskeyRegistration(db(), aisha, { name: "Phone again", response: authenticator.register(await fresh()) }, context));
    expect(twice.code).toBe("conflict");
    expect(await passkeysOf("aisha@acme.example")).toHaveLength(1);
  });

  it("refuses names with NUL or control characters, too long, empty or not text, and malformed responses, naming the field", async () => {
    const member = await memberWithPermissions(acmeId, ["keys:view"], "Names fuzz");
    const { options } = await beginPasskeyRegistration(db(), member, { pin: "482915" }, context);
    const response = new SoftAuthenticator().register(options);
    for (const name of ["bad\u0000name", "tab\there", "\u001b[31m", "x".repeat(10_000), "   ", "", 42, null, ["a"], { a: 1 }]) {
      const error = await refusal(finishPasskeyRegistration(db(), member, { name, response }, context));
      expect(error.code).toBe("invalid_request");
      expect(Object.keys(error.fieldErrors!)).toEqual(["name"]);
    }
    const broken: unknown[] = [
      null,
      "text",
      [],
      { ...response, extra: 1 },
      { ...response, id: "x".repeat(2000), rawId: "x".repeat(2000) },
      { ...response, rawId: "other" },
      { ...response, response: { ...response.response, clientDataJSON: "a".repeat(9000) } },
      { ...response, response: { ...response.response, attestationObject: 7 } },
      { ...response, response: { ...response.response, transports: ["usb", "\u0000"] } },
      { ...response, response: { ...response.response, clientDataJSON: Buffer.from("not json").toString("base64url") } },
      { ...response, type: "password" },
    ];
    for (const bad of broken) {
      const error = await refusal(finishPasskeyRegistration(db(), member, { name: "Fuzz", response: bad }, context));
      expect([error.code, error.fieldErrors]).toEqual(["passkey_invalid", { response: "Add the passkey again" }]);
    }
    expect(await passkeysOf(member.user.email)).toEqual([]);
    // The challenge was never consumed by the malformed ones: the real response still works.
    await finishPasskeyRegistration(db(), member, { name: "Fuzz survivor", response }, context);
    expect(await passkeysOf(member.user.email)).toHaveLength(1);
  });

  it("holds at most ten passkeys per person: the eleventh is refused before the PIN is asked", async () => {
    const member = await memberWithPermissions(acmeId, ["keys:view"], "Ten passkeys");
    for (let i = 1; i <= 10; i++) {
      const { options } = await beginPasskeyRegistration(db(), member, { pin: "482915" }, context);
      await finishPasskeyRegistration(db(), member, { name: `Key ${i}`, response: new SoftAuthenticator().register(options) }, context);
    }
    const error = await refusal(beginPasskeyRegistration(db(), member, { pin: "000000" }, context));
    expect(error.code).toBe("conflict");
    expect(error.message).toMatch(/10 passkeys/);
    const [user] = await db().select({ failures: users.pinFailedAttempts }).from(users).where(eq(users.id, member.user.id));
    expect(user!.failures).toBe(0);
    expect(await passkeysOf(member.user.email)).toHaveLength(10);
    const list = await listOwnPasskeys(db(), member);
    // Newest first.
    expect(list.map((p) => p.name)).toEqual(["Key 10", "Key 9", "Key 8", "Key 7", "Key 6", "Key 5", "Key 4", "Key 3", "Key 2", "Key 1"]);
  });
});

describe("removing a passkey", () => {
  it("removes with the PIN, or with a passkey — that one included; another person's passkey is not found and audited", async () => {
    const member = await memberWithPermissions(acmeId, ["keys:view"], "Remover");
    const first = await addPasskey(member, "First");
    const second = await addPasskey(member, "Second");
    const other = await addPasskey(await memberWithPermissions(acmeId, ["keys:view"], "Bystander"), "Theirs");

    // Another person's passkey id: not found, whichever way it is confirmed, and nothing removed.
    const notYours = await refusal(removePasskey(db(), member, { passkeyId: other.id, pin: "482915" }, context));
    expect(notYours.code).toBe("not_found");
    expect((await lastAudit("passkey.remove"))!).toMatchObject({ outcome: "denied", targetId: other.id, metadata: { reason: "not_own_passkey" } });
    expect(await db().select().from(passkeys).where(eq(passkeys.id, other.id))).toHaveLength(1);

    await removePasskey(db(), member, { passkeyId: first.id, pin: "482915" }, context);
    expect((await lastAudit("passkey.remove"))!).toMatchObject({ outcome: "success", targetId: first.id, metadata: { name: "First" } });

    const assertion = await passkeyFor(member, second.authenticator, removePasskey, { passkeyId: second.id });
    await removePasskey(db(), member, { passkeyId: second.id, passkey: assertion }, context);
    expect((await lastAudit("passkey.remove"))!.metadata).toEqual({ name: "Second", confirmedWith: "passkey", passkey: "Second", passkeyId: second.id });
    expect(await passkeysOf(member.user.email)).toEqual([]);
    expect((await actorFor(member.user.email)).user.hasPasskey).toBe(false);
    // With none left, a step-up cannot start.
    const none = await refusal(issueStepUpChallenge(db(), member, { action: "key.renew", targetId: null, inputDigest: "digest" }, context));
    expect([none.code, none.message]).toEqual(["no_passkey", "You have no passkey yet. Add one under Settings › Passkeys."]);
  });
});

describe("starting a passkey step-up", () => {
  it("binds the challenge to the member, organisation, action and target for 2 minutes", async () => {
    const member = await memberWithPermissions(acmeId, ["keys:view"], "Starter");
    const { authenticator } = await addPasskey(member, "Starter key");
    const { options } = await issueStepUpChallenge(
      db(),
      member,
      { action: "key.renew", targetId: "5c2b3f4e-0000-4000-8000-000000000001", inputDigest: "digest" },
      context,
    );
    expect(options.userVerification).toBe("required");
    expect(options.timeout).toBe(120_000);
    expect(options.rpId).toBe(relyingParty().rpID);
    expect(options.allowCredentials).toEqual([{ id: authenticator.credentialId, type: "public-key", transports: ["internal"] }]);
    const [row] = await db().select().from(webauthnChallenges).where(eq(webauthnChallenges.challenge, options.challenge));
    expect(row).toMatchObject({
      userId: member.user.id,
      orgId: acmeId,
      purpose: "step_up",
      action: "key.renew",
      targetId: "5c2b3f4e-0000-4000-8000-000000000001",
      usedAt: null,
    });
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(120_000);
  });

  it("holds at most 20 open challenges per member, and the jobs runner deletes expired ones", async () => {
    const member = await memberWithPermissions(acmeId, ["keys:view"], "Many challenges");
    await addPasskey(member, "Busy");
    for (let i = 0; i < 20; i++) await issueStepUpChallenge(db(), member, { action: "key.renew", targetId: null, inputDigest: "digest" }, context);
    expect((await refusal(issueStepUpChallenge(db(), member, { action: "key.renew", targetId: null, inputDigest: "digest" }, context))).code).toBe(
      "rate_limited",
    );
    await db().update(webauthnChallenges).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(webauthnChallenges.userId, member.user.id));
    const deleted = await deleteExpiredRows(db());
    expect(deleted.passkeyChallenges).toBeGreaterThanOrEqual(20);
    expect(await db().select().from(webauthnChallenges).where(eq(webauthnChallenges.userId, member.user.id))).toEqual([]);
    await issueStepUpChallenge(db(), member, { action: "key.renew", targetId: null, inputDigest: "digest" }, context);
  });
});

describe("resetting a member's passkeys", () => {
  it("an Admin resets a member's passkeys with the PIN, audited; the same members as a role change may, and nobody else", async () => {
    const sipho = await actorFor(SIPHO);
    const before = (await passkeysOf(SIPHO)).length;
    expect(before).toBeGreaterThan(0);
    const siphoUserId = sipho.user.id;

    // Developer (no members:manage), the member themselves, and anyone on the Superadmin: refused.
    const developer = await memberWithPermissions(acmeId, ["keys:view", "audit:view"], "Reset developer");
    await expect(resetMemberPasskeys(db(), developer, { memberId: siphoUserId, pin: "482915" }, context)).rejects.toMatchObject({ code: "forbidden" });
    const naledi = await actorFor(NALEDI);
    await addPasskey(naledi, "Naledi's phone");
    const pieter = await actorFor(PIETER);
    await expect(resetMemberPasskeys(db(), pieter, { memberId: naledi.user.id, pin: pinOf(PIETER) }, context)).rejects.toMatchObject({
      code: "escalation_refused",
    });
    expect(await passkeysOf(NALEDI)).toHaveLength(1);

    // Another organisation's member: not found, and the attempt is audited in Acme's log.
    const thabo = await actorFor(THABO);
    await addPasskey(thabo, "Thabo's key");
    const foreign = await refusal(resetMemberPasskeys(db(), pieter, { memberId: thabo.user.id, pin: pinOf(PIETER) }, context));
    expect(foreign.code).toBe("not_found");
    expect(await recordAttemptOutsideOrganisation(db(), pieter, context)).toBe(true);
    const [denied] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "member.passkeys_reset"), eq(auditEvents.targetId, thabo.user.id)));
    expect(denied).toMatchObject({ orgId: acmeId, outcome: "denied", metadata: { reason: "not_in_organisation" } });
    expect(await passkeysOf(THABO)).toHaveLength(1);

    // Hostile ids.
    for (const memberId of ["not-a-uuid", "\u0000", 5, null, "x".repeat(10_000)]) {
      const error = await refusal(resetMemberPasskeys(db(), pieter, { memberId, pin: pinOf(PIETER) }, context));
      expect([error.code, Object.keys(error.fieldErrors!)]).toEqual(["invalid_request", ["memberId"]]);
    }

    // The members page shows how many passkeys there are to reset, and none after.
    const listed = async () => (await listMembers(db(), pieter)).find((m) => m.userId === siphoUserId)!.passkeys;
    expect(await listed()).toBe(before);
    const done = await resetMemberPasskeys(db(), pieter, { memberId: siphoUserId, pin: pinOf(PIETER) }, context);
    expect(done.removed).toBe(before);
    expect(await passkeysOf(SIPHO)).toEqual([]);
    expect(await listed()).toBe(0);
    expect((await lastAudit("member.passkeys_reset"))!).toMatchObject({
      outcome: "success",
      targetId: siphoUserId,
      metadata: { email: SIPHO, removed: before },
    });
  });
});

describe("the organisation's passkey requirement", () => {
  it("only the Superadmin turns it on or off, with the PIN, audited", async () => {
    const pieter = await actorFor(PIETER);
    await expect(setPasskeyRequirement(db(), pieter, { required: true, pin: pinOf(PIETER) }, context)).rejects.toMatchObject({ code: "forbidden" });
    const developer = await memberWithPermissions(acmeId, ["keys:view", "audit:view"], "Requirement developer");
    await expect(setPasskeyRequirement(db(), developer, { required: true, pin: "482915" }, context)).rejects.toMatchObject({ code: "forbidden" });
    const approver = await memberWithPermissions(acmeId, ["keys:view", "keys:approve"], "Requirement approver");
    await expect(setPasskeyRequirement(db(), approver, { required: true, pin: "482915" }, context)).rejects.toMatchObject({ code: "forbidden" });
    expect(await passkeyRequired(db(), acmeId)).toBe(false);

    for (const required of ["yes", 1, null, undefined]) {
      const error = await refusal(setPasskeyRequirement(db(), await actorFor(NALEDI), { required, pin: pinOf(NALEDI) }, context));
      expect([error.code, Object.keys(error.fieldErrors!)]).toEqual(["invalid_request", ["required"]]);
    }
    await setPasskeyRequirement(db(), await actorFor(NALEDI), { required: true, pin: pinOf(NALEDI) }, context);
    expect(await passkeyRequired(db(), acmeId)).toBe(true);
    expect((await lastAudit("organisation.passkey_requirement"))!).toMatchObject({ outcome: "success", metadata: { before: "off", after: "on" } });
    await setPasskeyRequirement(db(), await actorFor(NALEDI), { required: false, pin: pinOf(NALEDI) }, context);
    expect(await passkeyRequired(db(), acmeId)).toBe(false);
  });

  it("the actor is loaded in the same queries as before, now knowing whether a passkey can confirm", async () => {
    const naledi = await actorFor(NALEDI);
    const reloaded = await loadActor(db(), naledi.sessionId);
    expect(reloaded!.user.hasPasskey).toBe(true);
  });
});
