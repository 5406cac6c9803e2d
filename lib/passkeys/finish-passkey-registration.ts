import "server-only";
import { type RegistrationResponseJSON, verifyRegistrationResponse } from "@simplewebauthn/server";
import { and, count, eq, gt, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { challengeOf, isCode, isPlainObject } from "@/lib/auth/passkey";
import { passkeys, users, webauthnChallenges } from "@/lib/db/schema";
import { DomainError, isUniqueViolation } from "@/lib/errors";
import { finishPasskeyRegistrationSchema } from "@/lib/schemas/passkeys";
import { tooManyPasskeys } from "./begin-passkey-registration";
import { MAX_PASSKEYS, relyingParty } from "./relying-party";

const TRANSPORTS = new Set(["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"]);

/** The browser's registration response, checked for shape before anything reads it; null when it is not one. */
export function readRegistration(value: unknown): RegistrationResponseJSON | null {
  if (!isPlainObject(value)) return null;
  const allowed = new Set(["id", "rawId", "response", "authenticatorAttachment", "clientExtensionResults", "type"]);
  if (Object.keys(value).some((k) => !allowed.has(k))) return null;
  const { id, rawId, response, authenticatorAttachment, clientExtensionResults, type } = value;
  if (!isCode(id, 1024) || id.length === 0 || rawId !== id || type !== "public-key") return null;
  if (authenticatorAttachment !== undefined && authenticatorAttachment !== "platform" && authenticatorAttachment !== "cross-platform") return null;
  if (clientExtensionResults !== undefined && (!isPlainObject(clientExtensionResults) || JSON.stringify(clientExtensionResults).length > 1024)) return null;
  if (!isPlainObject(response)) return null;
  const fields = new Set(["clientDataJSON", "attestationObject", "authenticatorData", "transports", "publicKeyAlgorithm", "publicKey"]);
  if (Object.keys(response).some((k) => !fields.has(k))) return null;
  const { clientDataJSON, attestationObject, transports } = response;
  if (!isCode(clientDataJSON, 8192) || !isCode(attestationObject, 8192)) return null;
  if (response.authenticatorData !== undefined && !isCode(response.authenticatorData, 8192)) return null;
  if (response.publicKey !== undefined && !isCode(response.publicKey, 8192)) return null;
  if (response.publicKeyAlgorithm !== undefined && !Number.isInteger(response.publicKeyAlgorithm)) return null;
  if (transports !== undefined && (!Array.isArray(transports) || transports.length > 8 || transports.some((t) => typeof t !== "string" || !TRANSPORTS.has(t))))
    return null;
  return {
    id,
    rawId: id,
    type: "public-key",
    response: { clientDataJSON, attestationObject, ...(transports ? { transports: transports as string[] } : {}) },
    clientExtensionResults: {},
    ...(authenticatorAttachment ? { authenticatorAttachment } : {}),
  };
}

const NOT_ACCEPTED = "That passkey could not be added. Start again.";

/**
 * Finishes adding a passkey: the browser's response must answer the member's own registration
 * challenge (consumed once, within 2 minutes, before it is verified), with user verification, for
 * this portal's origin and relying party. Stores the credential id, public key and counter under
 * the name given, and audits it. Ten at most per person.
 */
export const finishPasskeyRegistration = defineCommand({
  action: "passkey.added",
  target: { type: "user" },
  requires: { self: "the caller's own passkeys, after a PIN-confirmed start" },
  schema: finishPasskeyRegistrationSchema,
  run: async ({ db, actor, input, request }): Promise<{ id: string; name: string }> => {
    const refuse = async (reason: string, message = NOT_ACCEPTED) => {
      await recordAuditEvent(db, {
        ...actorFields(actor, request),
        action: "passkey.added",
        targetType: "user",
        targetId: actor.user.id,
        outcome: "failure",
        metadata: { reason },
      });
      return new DomainError("passkey_invalid", message, { response: "Add the passkey again" });
    };
    const response = readRegistration(input.response);
    const challenge = response && challengeOf(response.response.clientDataJSON);
    if (!response || !challenge) throw await refuse("malformed", "That passkey response could not be read. Start again.");

    const [consumed] = await db
      .update(webauthnChallenges)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(webauthnChallenges.challenge, challenge),
          eq(webauthnChallenges.userId, actor.user.id),
          eq(webauthnChallenges.purpose, "register"),
          isNull(webauthnChallenges.usedAt),
          gt(webauthnChallenges.expiresAt, sql`now()`),
        ),
      )
      .returning({ id: webauthnChallenges.id });
    if (!consumed) throw await refuse("unknown_challenge", "That passkey took longer than 2 minutes, or was already added. Start again.");

    const { origin, rpID } = relyingParty();
    let credential: { id: string; publicKey: Uint8Array; counter: number; transports?: string[] };
    let backedUp: boolean;
    try {
      const verification = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        requireUserVerification: true,
      });
      if (!verification.verified) throw await refuse("signature");
      credential = verification.registrationInfo.credential;
      backedUp = verification.registrationInfo.credentialBackedUp;
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw await refuse(/user verification/i.test(error instanceof Error ? error.message : "") ? "user_verification" : "verification");
    }

    try {
      return await db.transaction(async (tx) => {
        // One registration at a time per person, so the cap holds however many finish at once.
        await tx.select({ id: users.id }).from(users).where(eq(users.id, actor.user.id)).for("update");
        const [held] = await tx.select({ n: count() }).from(passkeys).where(eq(passkeys.userId, actor.user.id));
        if ((held?.n ?? 0) >= MAX_PASSKEYS) throw tooManyPasskeys();
        const [row] = await tx
          .insert(passkeys)
          .values({
            userId: actor.user.id,
            name: input.name,
            credentialId: credential.id,
            publicKey: credential.publicKey,
            counter: credential.counter,
            transports: credential.transports ?? response.response.transports ?? [],
            backedUp,
          })
          .returning({ id: passkeys.id, name: passkeys.name });
        await recordAuditEvent(tx, {
          ...actorFields(actor, request),
          action: "passkey.added",
          targetType: "passkey",
          targetId: row!.id,
          outcome: "success",
          metadata: { name: input.name },
        });
        return row!;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError("conflict", "This passkey is already added.", { response: "This passkey is already added" });
      throw error;
    }
  },
});
