import "server-only";
import { createHash } from "node:crypto";
import { verifyAuthenticationResponse } from "@simplewebauthn/server";
import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import { actorFields, type PasskeyConfirmation, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Database } from "@/lib/db";
import { passkeys, webauthnChallenges } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { relyingParty } from "@/lib/passkeys/relying-party";
import type { PasskeyAssertion, StepUpTarget } from "@/lib/schemas/step-up";
import type { Actor } from "./actor";

const ID_MAX = 1024;
const FIELD_MAX = 8192;
const EXTENSIONS_MAX = 1024;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

const NOT_ACCEPTED = "That passkey confirmation was not accepted. Try again.";

/** What a refusal says, by its reason; anything not listed says NOT_ACCEPTED. */
const MESSAGES: Record<string, string> = {
  malformed: "That passkey confirmation could not be read. Try again.",
  expired: "That passkey confirmation took longer than 2 minutes. Try again.",
  used: "That passkey confirmation was already used. Try again.",
  counter: "This passkey looks copied: its use counter did not go up. Confirm with another passkey or your PIN, and remove this one.",
  user_verification: "Your device did not verify you (fingerprint, face or device PIN). Try again.",
};

/**
 * A passkey assertion as the browser sends it, checked for shape before anything reads it: only the
 * known keys, strings of bounded length in base64url, nothing else. Null when it is not one.
 */
export function readAssertion(value: unknown): PasskeyAssertion | null {
  if (!isPlainObject(value)) return null;
  const allowed = new Set(["id", "rawId", "response", "authenticatorAttachment", "clientExtensionResults", "type"]);
  if (Object.keys(value).some((k) => !allowed.has(k))) return null;
  const { id, rawId, response, authenticatorAttachment, clientExtensionResults, type } = value;
  if (!isCode(id, ID_MAX) || id.length === 0 || rawId !== id || type !== "public-key") return null;
  if (authenticatorAttachment !== undefined && authenticatorAttachment !== "platform" && authenticatorAttachment !== "cross-platform") return null;
  if (clientExtensionResults !== undefined && (!isPlainObject(clientExtensionResults) || JSON.stringify(clientExtensionResults).length > EXTENSIONS_MAX))
    return null;
  if (!isPlainObject(response)) return null;
  const fields = new Set(["clientDataJSON", "authenticatorData", "signature", "userHandle"]);
  if (Object.keys(response).some((k) => !fields.has(k))) return null;
  const { clientDataJSON, authenticatorData, signature, userHandle } = response;
  if (!isCode(clientDataJSON, FIELD_MAX) || !isCode(authenticatorData, FIELD_MAX) || !isCode(signature, FIELD_MAX)) return null;
  if (userHandle !== undefined && !isCode(userHandle, FIELD_MAX)) return null;
  return {
    id,
    rawId: id,
    type: "public-key",
    response: { clientDataJSON, authenticatorData, signature, ...(userHandle === undefined ? {} : { userHandle }) },
    clientExtensionResults: {},
    ...(authenticatorAttachment ? { authenticatorAttachment } : {}),
  };
}

/** The challenge the authenticator signed, from the assertion's client data; null when it holds none. */
export function challengeOf(clientDataJSON: string): string | null {
  try {
    const data: unknown = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8"));
    if (!isPlainObject(data)) return null;
    const { challenge } = data;
    return isCode(challenge, 256) && challenge.length > 0 ? challenge : null;
  } catch {
    return null;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

export function isCode(value: unknown, max: number): value is string {
  return typeof value === "string" && value.length <= max && BASE64URL.test(value);
}

/**
 * The digest of a command's parsed input (without its confirmation): a challenge carries it, so an
 * assertion made for one change — this alias, these permissions, this amount — confirms no other.
 * Keys are sorted, so the same input always gives the same digest.
 */
export function stepUpDigest(input: unknown): string {
  return createHash("sha256").update(canonicalJson(input)).digest("base64url");
}

function canonicalJson(value: unknown): string {
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Why the verifier refused, in one word for the audit log. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  if (/counter/i.test(message)) return "counter";
  if (/user verification/i.test(message)) return "user_verification";
  if (/user not present/i.test(message)) return "user_presence";
  if (/RP ID/i.test(message)) return "rp_id";
  if (/origin/i.test(message)) return "origin";
  if (/response type/i.test(message)) return "type";
  return "signature";
}

/**
 * Checks a passkey assertion that confirms one action (its audit action and target), inside the
 * command that does the work. Its challenge must have been issued for this member, in this
 * organisation, for this action on this target with this very input, within the last 2 minutes
 * and never used; it is
 * consumed in one conditional UPDATE before the signature is checked, so two requests can never
 * both use it. The credential must be the member's; user verification is required and the
 * signature counter must grow. Every refusal is audited (`auth.passkey_failed`, with its reason and
 * never the assertion) and throws `passkey_invalid`. Nothing here reads or counts PIN attempts: a
 * locked PIN does not stop a passkey, and a failed passkey is not a wrong PIN.
 */
export async function verifyActionPasskey(
  db: Database,
  actor: Actor,
  value: unknown,
  attempted: StepUpTarget,
  request: RequestInfo,
): Promise<PasskeyConfirmation> {
  const refuse = async (reason: string) => {
    await recordAuditEvent(db, {
      ...actorFields(actor, request),
      confirmedWith: undefined,
      action: "auth.passkey_failed",
      targetType: "user",
      targetId: actor.user.id,
      outcome: "failure",
      metadata: { reason, forAction: attempted.action, forTarget: attempted.targetId },
    });
    return new DomainError("passkey_invalid", MESSAGES[reason] ?? NOT_ACCEPTED, { passkey: "Confirm again with your passkey" });
  };

  const assertion = readAssertion(value);
  const challenge = assertion && challengeOf(assertion.response.clientDataJSON);
  if (!assertion || !challenge) throw await refuse("malformed");

  const [issued] = await db.select().from(webauthnChallenges).where(eq(webauthnChallenges.challenge, challenge));
  if (issued?.purpose !== "step_up") throw await refuse("unknown_challenge");
  if (issued.userId !== actor.user.id) throw await refuse("wrong_member");
  if (issued.orgId !== (actor.org?.id ?? null)) throw await refuse("wrong_organisation");
  if (issued.action !== attempted.action) throw await refuse("wrong_action");
  if (issued.targetId !== attempted.targetId) throw await refuse("wrong_target");
  if (issued.inputDigest !== attempted.inputDigest) throw await refuse("wrong_input");

  // Used up now, whatever the signature turns out to be: a second request with it finds nothing.
  const [consumed] = await db
    .update(webauthnChallenges)
    .set({ usedAt: sql`now()` })
    .where(and(eq(webauthnChallenges.id, issued.id), isNull(webauthnChallenges.usedAt), gt(webauthnChallenges.expiresAt, sql`now()`)))
    .returning({ id: webauthnChallenges.id });
  if (!consumed) throw await refuse(issued.usedAt ? "used" : await usedOrExpired(db, issued.id));

  const [passkey] = await db
    .select()
    .from(passkeys)
    .where(and(eq(passkeys.credentialId, assertion.id), eq(passkeys.userId, actor.user.id)));
  if (!passkey) throw await refuse("unknown_credential");

  const { origin, rpID } = relyingParty();
  let newCounter: number;
  try {
    const verification = await verifyAuthenticationResponse({
      response: assertion,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: true,
      credential: {
        id: passkey.credentialId,
        publicKey: passkey.publicKey as Uint8Array<ArrayBuffer>,
        counter: passkey.counter,
        transports: (passkey.transports ?? []) as never,
      },
    });
    if (!verification.verified) throw await refuse("signature");
    newCounter = verification.authenticationInfo.newCounter;
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw await refuse(reasonOf(error));
  }

  // Only forward: two assertions with the same counter (a cloned authenticator racing) cannot both pass.
  const [updated] = await db
    .update(passkeys)
    .set({ counter: newCounter, lastUsedAt: sql`now()` })
    .where(and(eq(passkeys.id, passkey.id), or(sql`${passkeys.counter} < ${newCounter}`, and(eq(passkeys.counter, 0), sql`${newCounter} = 0`))))
    .returning({ id: passkeys.id });
  if (!updated) throw await refuse("counter");
  return { passkeyId: passkey.id, name: passkey.name };
}

async function usedOrExpired(db: Database, id: string): Promise<string> {
  const [row] = await db.select({ usedAt: webauthnChallenges.usedAt }).from(webauthnChallenges).where(eq(webauthnChallenges.id, id));
  return row?.usedAt ? "used" : "expired";
}
