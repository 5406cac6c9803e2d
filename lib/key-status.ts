/** A key's life: 90 days from creation or renewal, then frozen until renewed. Shared, pure. */
export const KEY_LIFETIME_DAYS = 90;
export const EXPIRING_WITHIN_DAYS = 14;
const DAY_MS = 86_400_000;

export type KeyStatus = "active" | "expiring" | "frozen" | "revoked";

export const KEY_STATUS_LABELS: Record<KeyStatus, string> = {
  active: "Active",
  expiring: "Expiring",
  frozen: "Frozen",
  revoked: "Deleted",
};

/** Derived from time at the moment of asking; a key is frozen the second it expires. */
export function keyStatus(key: { expiresAt: Date; revokedAt: Date | null }, now: Date): KeyStatus {
  if (key.revokedAt) return "revoked";
  const left = key.expiresAt.getTime() - now.getTime();
  if (left <= 0) return "frozen";
  if (left <= EXPIRING_WITHIN_DAYS * DAY_MS) return "expiring";
  return "active";
}

/** Whole days left before freezing, rounded up (0 once frozen). */
export function daysLeft(expiresAt: Date, now: Date): number {
  return Math.max(0, Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS));
}
