import "server-only";
import { eq, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Database } from "@/lib/db";
import { users } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { verifySecret } from "@/lib/security/hashing";
import type { Actor } from "./actor";

export const PIN_MAX_FAILURES = 5;
export const PIN_LOCK_MINUTES = 15;

/**
 * Checks the member's PIN for a sensitive action, inside the action that does the work. Each try
 * first takes one of five attempts in a single atomic UPDATE … RETURNING, so however many tries
 * arrive at once, at most five are evaluated. Taking an attempt never locks anything: only a
 * verified wrong PIN that brings the count to five locks PIN actions for 15 minutes (across every
 * server instance, since the lock lives in the database), so simultaneous correct PINs can never
 * lock a member out. A correct PIN resets the count. Throws DomainError `pin_invalid`, `pin_locked`
 * or `pin_busy`; the counter commits whatever the action does next.
 */
export async function verifyActionPin(db: Database, actor: Actor, pin: unknown, request: RequestInfo): Promise<void> {
  if (typeof pin !== "string" || !/^\d{6}$/.test(pin)) {
    throw new DomainError("pin_invalid", "Enter your 6-digit PIN.", { pin: "Enter your 6-digit PIN" });
  }
  const taken = await db.execute<{ pin_hash: string | null }>(sql`
    update users set
      pin_failed_attempts = case when pin_locked_until is not null and pin_locked_until <= now() then 1 else pin_failed_attempts + 1 end,
      pin_locked_until = case when pin_locked_until is not null and pin_locked_until <= now() then null else pin_locked_until end
    where id = ${actor.user.id}
      and ((pin_locked_until is null and pin_failed_attempts < ${PIN_MAX_FAILURES}) or pin_locked_until <= now())
    returning pin_hash
  `);
  const attempt = taken.rows[0];
  if (!attempt) {
    const [row] = await db.select({ lockedUntil: users.pinLockedUntil }).from(users).where(eq(users.id, actor.user.id));
    if (row?.lockedUntil && row.lockedUntil.getTime() > Date.now()) throw lockedError(row.lockedUntil);
    throw new DomainError("pin_busy", "Other confirmations with your PIN are still being checked. Try again in a moment.", { pin: "Try again in a moment" });
  }
  if (attempt.pin_hash && (await verifySecret(attempt.pin_hash, pin))) {
    await db.update(users).set({ pinFailedAttempts: 0, pinLockedUntil: null }).where(eq(users.id, actor.user.id));
    return;
  }
  // The attempt stays counted as a failure. The one failure that sets the lock records the lockout.
  const setLock = await db.execute<{ locked_until: Date | string }>(sql`
    update users set pin_locked_until = now() + make_interval(mins => ${PIN_LOCK_MINUTES})
    where id = ${actor.user.id} and pin_failed_attempts >= ${PIN_MAX_FAILURES} and pin_locked_until is null
    returning pin_locked_until as locked_until
  `);
  const [now] = await db.select({ failures: users.pinFailedAttempts, lockedUntil: users.pinLockedUntil }).from(users).where(eq(users.id, actor.user.id));
  const failures = now?.failures ?? PIN_MAX_FAILURES;
  const lockedUntil = now?.lockedUntil ?? null;
  await recordAuditEvent(db, {
    ...actorFields(actor, request),
    action: setLock.rows.length ? "auth.pin_locked" : "auth.pin_failed",
    targetType: "user",
    targetId: actor.user.id,
    outcome: "failure",
    metadata: { failures },
  });
  if (failures >= PIN_MAX_FAILURES) throw lockedError(lockedUntil);
  const left = PIN_MAX_FAILURES - failures;
  throw new DomainError("pin_invalid", `Wrong PIN. ${left} ${left === 1 ? "try" : "tries"} left before PIN actions lock for ${PIN_LOCK_MINUTES} minutes.`, {
    pin: "Wrong PIN",
  });
}

function lockedError(lockedUntil: Date | null): DomainError {
  const until = lockedUntil ? ` until ${formatDateTime(lockedUntil)}` : "";
  return new DomainError("pin_locked", `Too many wrong PINs. PIN actions are locked${until}.`, { pin: "PIN actions are locked" });
}
