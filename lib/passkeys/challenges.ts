import "server-only";
import { and, eq, lte, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Executor } from "@/lib/db";
import { webauthnChallenges } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import type { StepUpTarget } from "@/lib/schemas/step-up";
import { CHALLENGE_SECONDS, MAX_LIVE_CHALLENGES } from "./relying-party";

/**
 * Stores a challenge for the actor, good for one use within CHALLENGE_SECONDS: for registering a
 * passkey, or bound to one action on one target with one input in the actor's organisation. The actor's expired
 * challenges go first; beyond MAX_LIVE_CHALLENGES open ones, the insert finds no room (one
 * statement, so a burst cannot get past the count) and the request is refused.
 */
export async function issueChallenge(
  db: Executor,
  actor: Actor,
  challenge: string,
  binding: { purpose: "register" } | ({ purpose: "step_up" } & StepUpTarget),
): Promise<void> {
  await db.delete(webauthnChallenges).where(and(eq(webauthnChallenges.userId, actor.user.id), lte(webauthnChallenges.expiresAt, sql`now()`)));
  const action = binding.purpose === "step_up" ? binding.action : null;
  const targetId = binding.purpose === "step_up" ? binding.targetId : null;
  const inputDigest = binding.purpose === "step_up" ? binding.inputDigest : null;
  const inserted = await db.execute(sql`
    insert into webauthn_challenges (user_id, org_id, purpose, action, target_id, input_digest, challenge, expires_at)
    select ${actor.user.id}, ${actor.org?.id ?? null}, ${binding.purpose}, ${action}, ${targetId}, ${inputDigest}, ${challenge},
           now() + make_interval(secs => ${CHALLENGE_SECONDS})
    where (select count(*) from webauthn_challenges where user_id = ${actor.user.id} and used_at is null and expires_at > now()) < ${MAX_LIVE_CHALLENGES}
    returning id`);
  if (inserted.rows.length === 0) {
    throw new DomainError("rate_limited", "Too many passkey confirmations are open at once. Wait 2 minutes and try again.");
  }
}
