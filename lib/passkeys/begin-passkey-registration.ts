import "server-only";
import { generateRegistrationOptions } from "@simplewebauthn/server";
import { eq } from "drizzle-orm";
import { defineCommand } from "@/lib/auth/command";
import { passkeys } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { beginPasskeyRegistrationSchema } from "@/lib/schemas/passkeys";
import { issueChallenge } from "./challenges";
import { CHALLENGE_SECONDS, MAX_PASSKEYS, relyingParty } from "./relying-party";

export const tooManyPasskeys = () => new DomainError("conflict", `You have ${MAX_PASSKEYS} passkeys, the most one person may hold. Remove one first.`);

/**
 * Starts adding a passkey, confirmed with the PIN (or a passkey the member already has): the
 * browser's creation options, with a challenge good once for 2 minutes. The member's existing
 * passkeys are excluded, user verification is required, and no attestation is asked for.
 */
export const beginPasskeyRegistration = defineCommand({
  action: "passkey.add",
  target: { type: "user" },
  requires: { self: "the caller's own passkeys" },
  schema: beginPasskeyRegistrationSchema,
  pin: true,
  load: async ({ db, actor }) => {
    const own = await db
      .select({ credentialId: passkeys.credentialId, transports: passkeys.transports })
      .from(passkeys)
      .where(eq(passkeys.userId, actor.user.id));
    if (own.length >= MAX_PASSKEYS) throw tooManyPasskeys();
    return own;
  },
  run: async ({ db, actor }, own) => {
    const { rpID, rpName } = relyingParty();
    const options = await generateRegistrationOptions({
      rpName,
      rpID,
      userName: actor.user.email,
      userDisplayName: actor.user.name,
      userID: new TextEncoder().encode(actor.user.id),
      timeout: CHALLENGE_SECONDS * 1000,
      attestationType: "none",
      excludeCredentials: own.map((p) => ({ id: p.credentialId, transports: p.transports ?? undefined })),
      authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
    });
    await issueChallenge(db, actor, options.challenge, { purpose: "register" });
    return { options };
  },
});
