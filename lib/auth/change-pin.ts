import "server-only";
import { eq, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { users } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { changePinSchema } from "@/lib/schemas/account";
import { hashSecret } from "@/lib/security/hashing";
import { defineCommand } from "./command";
import { revokeOtherSessions } from "./sessions";

/**
 * Changes the member's PIN: the new one twice (trivial PINs refused, as when it was first set),
 * confirmed with the current one — wrong tries count towards the PIN lock like any PIN action.
 * Every other session of the member ends with the old PIN; this one stays signed in.
 */
export const changePin = defineCommand({
  action: "auth.pin_change",
  target: { type: "user" },
  requires: { self: "the caller's own PIN" },
  schema: changePinSchema,
  pin: true,
  // The new PIN is compared with the current one: only the PIN itself can confirm this.
  pinOnly: true,
  run: async ({ db, actor, input: { newPin }, request, confirmedPin }): Promise<{ sessionsEnded: number }> => {
    // Only once the current PIN is proven does "the same as your current one" mean anything.
    if (newPin === confirmedPin) {
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
  },
});
