import "server-only";
import { eq } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { users } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { changePasswordSchema } from "@/lib/schemas/account";
import { hashSecret, verifySecret } from "@/lib/security/hashing";
import { clearRateLimit, hitRateLimit, undoRateLimitHit } from "@/lib/security/rate-limit";
import { defineCommand } from "./command";
import { revokeOtherSessions } from "./sessions";
import { SIGN_IN_ACCOUNT_ADDRESS_FAILURES, SIGN_IN_WINDOW_SECONDS } from "./sign-in";

/**
 * Changes the member's password, proven with the current one. Wrong current passwords are limited
 * as sign-in guesses are (five per 15 minutes per account) and audited, so a stolen session cannot
 * be used to guess the password. Every other session of the member ends; this one stays.
 */
export const changePassword = defineCommand({
  action: "auth.password_change",
  target: { type: "user" },
  requires: { self: "the caller's own password, proven with the current one" },
  schema: changePasswordSchema,
  run: async ({ db, actor, input: { currentPassword, newPassword }, request }): Promise<{ sessionsEnded: number }> => {
    const audit = { ...actorFields(actor, request), action: "auth.password_change", targetType: "user", targetId: actor.user.id };
    const bucket = `password-change:${actor.user.id}`;
    const limit = await hitRateLimit(db, bucket, SIGN_IN_ACCOUNT_ADDRESS_FAILURES, SIGN_IN_WINDOW_SECONDS);
    if (!limit.allowed) {
      await recordAuditEvent(db, { ...audit, outcome: "denied", metadata: { reason: "rate_limited" } });
      const minutes = Math.ceil(limit.retryAfterSeconds / 60);
      throw new DomainError("rate_limited", `Too many wrong passwords. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`, {
        currentPassword: "Too many wrong passwords",
      });
    }
    const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.user.id));
    if (!row || !(await verifySecret(row.passwordHash, currentPassword))) {
      await recordAuditEvent(db, { ...audit, outcome: "failure", metadata: { reason: "wrong_password" } });
      throw new DomainError("invalid_request", "Your current password is not right.", { currentPassword: "That is not your current password" });
    }
    if (newPassword === currentPassword) {
      // A correct password: this try is not a guess.
      await undoRateLimitHit(db, bucket);
      throw new DomainError("invalid_request", "Check the highlighted fields.", { newPassword: "Choose a password different from your current one" });
    }
    const passwordHash = await hashSecret(newPassword);
    return db.transaction(async (tx) => {
      await tx.update(users).set({ passwordHash }).where(eq(users.id, actor.user.id));
      await clearRateLimit(tx, bucket);
      const sessionsEnded = await revokeOtherSessions(tx, actor.user.id, actor.sessionId);
      await recordAuditEvent(tx, { ...audit, outcome: "success", metadata: { sessionsEnded } });
      return { sessionsEnded };
    });
  },
});
