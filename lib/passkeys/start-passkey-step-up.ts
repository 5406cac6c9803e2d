import "server-only";
import { generateAuthenticationOptions } from "@simplewebauthn/server";
import { eq } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { passkeys } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { startPasskeyStepUpSchema } from "@/lib/schemas/passkeys";
import { issueChallenge } from "./challenges";
import { CHALLENGE_SECONDS, relyingParty } from "./relying-party";

/**
 * Asks the member's passkey to confirm one action (a PIN-confirmed command's audit action) on one
 * target (its key, member or payment id; null when it has none): a challenge bound to both, to this
 * member and organisation, good once for 2 minutes. The command then checks the assertion itself
 * (lib/auth/passkey.ts); a challenge issued for anything else is refused there.
 */
export const startPasskeyStepUp = defineCommand({
  action: "passkey.step_up",
  target: { type: "user" },
  requires: { self: "a challenge for the caller's own passkeys, for an action the command itself still authorizes" },
  schema: startPasskeyStepUpSchema,
  run: async ({ db, actor, input, request }) => {
    const own = await db
      .select({ credentialId: passkeys.credentialId, transports: passkeys.transports })
      .from(passkeys)
      .where(eq(passkeys.userId, actor.user.id));
    if (own.length === 0) {
      await recordAuditEvent(db, {
        ...actorFields(actor, request),
        action: "passkey.step_up",
        targetType: "user",
        targetId: actor.user.id,
        outcome: "denied",
        metadata: { reason: "no_passkey", forAction: input.action },
      });
      throw new DomainError("no_passkey", "You have no passkey yet. Add one under Settings › Passkeys.");
    }
    const { rpID } = relyingParty();
    const options = await generateAuthenticationOptions({
      rpID,
      allowCredentials: own.map((p) => ({ id: p.credentialId, transports: p.transports ?? undefined })),
      userVerification: "required",
      timeout: CHALLENGE_SECONDS * 1000,
    });
    await issueChallenge(db, actor, options.challenge, { purpose: "step_up", action: input.action, targetId: input.targetId });
    return { options };
  },
});
