import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Transaction } from "@/lib/db";
import { apiKeyDailyUse } from "@/lib/db/schema";
import { LedgerRefusal } from "./refusal";

/** A key's payment limits, in minor units of the source account's currency; null: none. */
export interface KeyLimits {
  keyId: string;
  maxPerPayment: bigint | null;
  maxPerDay: bigint | null;
}

/** Today, as the database's clock has it, in UTC: the day a limit counts against. */
const utcToday = sql`(now() at time zone 'UTC')::date`;

/**
 * Counts `amount` against the key's limits in the caller's transaction, before the money moves or
 * the payment is queued. The day's use is one row per key, UTC day and currency, raised with a
 * single conditional upsert: the row lock it takes serialises concurrent calls, and the raise only
 * happens while it stays within the limit — so no number of simultaneous calls can pass the day's
 * limit. When the transaction rolls back (no funds, a replay), so does the count.
 */
export async function consumeKeyLimits(tx: Transaction, limits: KeyLimits, currency: string, amount: bigint): Promise<void> {
  if (limits.maxPerPayment !== null && amount > limits.maxPerPayment) {
    throw new LedgerRefusal({ reason: "limit_exceeded", per: "payment", limit: limits.maxPerPayment, leftToday: null, currency });
  }
  if (limits.maxPerDay === null) return;
  const over = () =>
    leftToday(tx, limits, currency).then(
      (left) => new LedgerRefusal({ reason: "limit_exceeded", per: "day", limit: limits.maxPerDay!, leftToday: left, currency }),
    );
  if (amount > limits.maxPerDay) throw await over();
  const raised = await tx
    .insert(apiKeyDailyUse)
    .values({ keyId: limits.keyId, day: sql`${utcToday}`, currency, used: amount })
    .onConflictDoUpdate({
      target: [apiKeyDailyUse.keyId, apiKeyDailyUse.day, apiKeyDailyUse.currency],
      set: { used: sql`${apiKeyDailyUse.used} + excluded.used` },
      setWhere: sql`${apiKeyDailyUse.used} + excluded.used <= ${limits.maxPerDay}`,
    })
    .returning({ used: apiKeyDailyUse.used });
  if (raised.length === 0) throw await over();
}

/** What is left of the key's daily limit today, in this currency. */
export async function leftToday(tx: Transaction, limits: KeyLimits, currency: string): Promise<bigint> {
  if (limits.maxPerDay === null) return 0n;
  const [row] = await tx
    .select({ used: apiKeyDailyUse.used })
    .from(apiKeyDailyUse)
    .where(and(eq(apiKeyDailyUse.keyId, limits.keyId), eq(apiKeyDailyUse.day, sql`${utcToday}`), eq(apiKeyDailyUse.currency, currency)));
  const left = limits.maxPerDay - (row?.used ?? 0n);
  return left > 0n ? left : 0n;
}

/**
 * A rejected payment gives its amount back to the day it was counted on (its creation's UTC day),
 * never below nothing.
 */
export async function returnToKeyLimit(tx: Transaction, payment: { createdByKeyId: string | null; createdAt: Date; currency: string; amount: bigint }) {
  if (!payment.createdByKeyId) return;
  await tx
    .update(apiKeyDailyUse)
    .set({ used: sql`greatest(${apiKeyDailyUse.used} - ${payment.amount}, 0)` })
    .where(
      and(
        eq(apiKeyDailyUse.keyId, payment.createdByKeyId),
        eq(apiKeyDailyUse.day, sql`(${payment.createdAt.toISOString()}::timestamptz at time zone 'UTC')::date`),
        eq(apiKeyDailyUse.currency, payment.currency),
      ),
    );
}
