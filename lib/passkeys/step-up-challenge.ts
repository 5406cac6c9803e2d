import "server-only";
import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { eq } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { actorFields, type RequestInfo, recordAuditEvent } from "@/lib/audit/record-event";
import type { Executor } from "@/lib/db";
import { passkeys } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import type { StepUpTarget } from "@/lib/schemas/step-up";
import { issueChallenge } from "./challenges";
import { CHALLENGE_SECONDS, relyingParty } from "./relying-party";

/**
 * Asks the member's passkey to confirm one action (a PIN-confirmed command's audit action) on one
 * target (its key, member or payment id; null when it has none) with one input (its digest): a
 * challenge bound to all three, to this member and organisation, good once for 2 minutes. Only the command itself asks for one
 * (lib/auth/command.ts, when its input's `passkey` is "challenge"), after it has authorized the
 * member and loaded its target; it checks the assertion itself (lib/auth/passkey.ts), and a
 * challenge issued for anything else is refused there.
 */
export async function issueStepUpChallenge(
  db: Executor,
  actor: Actor,
  target: StepUpTarget,
  request: RequestInfo,
): Promise<{ options: PublicKeyCredentialRequestOptionsJSON }> {
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
      metadata: { reason: "no_passkey", forAction: target.action },
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
  await issueChallenge(db, actor, options.challenge, { purpose: "step_up", ...target });
  return { options };
}
