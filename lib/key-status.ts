/** A key's life: 90 days from creation or renewal, then frozen until renewed. Shared, pure. */
export const KEY_LIFETIME_DAYS = 90;
export const EXPIRING_WITHIN_DAYS = 14;
const DAY_MS = 86_400_000;

export type KeyStatus = "active" | "expiring" | "frozen" | "leaked" | "revoked";

export const KEY_STATUS_LABELS: Record<KeyStatus, string> = {
  active: "Active",
  expiring: "Expiring",
  frozen: "Frozen",
  leaked: "Leaked",
  revoked: "Deleted",
};

/** What keyStatus reads of a key; a key without the leak or retirement columns at hand has neither. */
export interface KeyLifeDates {
  expiresAt: Date;
  revokedAt: Date | null;
  leakedAt?: Date | null;
  /** A key renewed as a narrower one stops at this time, as if deleted. */
  retiresAt?: Date | null;
}

/**
 * Derived from time at the moment of asking; a key is frozen the second it expires. A leaked key is
 * "leaked" whatever its expiry (the API refuses it with `key_leaked`); a retired one is as deleted.
 */
export function keyStatus(key: KeyLifeDates, now: Date): KeyStatus {
  if (key.revokedAt || keyRetired(key, now)) return "revoked";
  if (key.leakedAt) return "leaked";
  const left = key.expiresAt.getTime() - now.getTime();
  if (left <= 0) return "frozen";
  if (left <= EXPIRING_WITHIN_DAYS * DAY_MS) return "expiring";
  return "active";
}

/** Whether a key renewed as a narrower one has reached the end of its overlap. */
export function keyRetired(key: Pick<KeyLifeDates, "retiresAt">, now: Date): boolean {
  return key.retiresAt != null && key.retiresAt.getTime() <= now.getTime();
}

/** Whole days left before freezing, rounded up (0 once frozen). */
export function daysLeft(expiresAt: Date, now: Date): number {
  return Math.max(0, Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS));
}
