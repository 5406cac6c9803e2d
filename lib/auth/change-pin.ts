import "server-only";
import { eq, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Database } from "@/lib/db";
import { users } from "@/lib/db/schema";
import { DomainError, parseOrThrow } from "@/lib/errors";
import { changePinSchema } from "@/lib/schemas/account";
import { hashSecret } from "@/lib/security/hashing";
import type { Actor } from "./actor";
import { authorize } from "./authorize";
import { verifyActionPin } from "./pin";
import { revokeOtherSessions } from "./sessions";

/**
 * Changes the member's PIN: the new one twice (trivial PINs refused, as when it was first set),
 * confirmed with the current one — wrong tries count towards the PIN lock like any PIN action.
 * Every other session of the member ends with the old PIN; this one stays signed in.
 */
export async function changePin(db: Database, actor: Actor, input: unknown, request: RequestInfo): Promise<{ sessionsEnded: number }> {
  const { newPin, pin } = parseOrThrow(changePinSchema.safeParse(input));
  authorize(actor);
  await verifyActionPin(db, actor, pin, request);
  // Only once the current PIN is proven does "the same as your current one" mean anything.
  if (newPin === pin) {
    throw new DomainError("invalid_request", "Check the highlighted fields.", { newPin: "Choose a PIN different from your current one" });
  }
  const pinHash = await hashSecret(newPin);
  return db.transaction(async (tx) => {
    await tx.update(users).set({ pinHash, pinSetAt: sql`now()`, pinFailedAttempts: 0, pinLockedUntil: null }).where(eq(users.id, actor.user.id));
    const sessionsEnded = await revokeOtherSessions(tx, actor.user.id, actor.sessionId);
    await recordAuditEvent(tx, {
      ...actorFields(actor, request),
      action: "auth.pin_change",
      targetType: "user",
      targetId: actor.user.id,
      outcome: "success",
      metadata: { sessionsEnded },
    });
    return { sessionsEnded };
  });
}
