import "server-only";
import { sql } from "drizzle-orm";
import { SESSION_IDLE_SECONDS } from "@/lib/auth/sessions";
import type { Database } from "@/lib/db";

/** Idempotent answers are kept this long: a retry a day later is a new request. */
export const IDEMPOTENCY_KEEP_HOURS = 24;
/** Longer than any rate-limit window in use (the longest is 15 minutes). */
const RATE_LIMIT_KEEP_HOURS = 1;
/** A key's usage counts are kept over a year (the key page charts 30 days; a year's trend stays possible). */
export const USAGE_KEEP_DAYS = 400;

/**
 * Deletes what can never be used again, so tables that grow with traffic do not grow for ever:
 * expired or revoked sessions, expired access tokens, finished rate-limit windows, idempotency
 * records older than a day, usage counts of UTC days more than 400 days back, and passkey
 * challenges past their two minutes (used or not). Each is one
 * statement; safe on any number of instances.
 */
export async function deleteExpiredRows(
  db: Database,
): Promise<Record<"sessions" | "accessTokens" | "rateLimits" | "idempotencyRecords" | "usageCounts" | "passkeyChallenges", number>> {
  const count = async (statement: ReturnType<typeof sql>) => {
    const result = await db.execute(statement);
    return (result as { rowCount?: number | null; affectedRows?: number }).rowCount ?? (result as { affectedRows?: number }).affectedRows ?? 0;
  };
  return {
    sessions: await count(
      sql`delete from sessions where expires_at <= now() or revoked_at is not null or last_seen_at <= now() - make_interval(secs => ${SESSION_IDLE_SECONDS})`,
    ),
    accessTokens: await count(sql`delete from access_tokens where expires_at <= now()`),
    rateLimits: await count(sql`delete from rate_limits where window_started_at <= now() - make_interval(hours => ${RATE_LIMIT_KEEP_HOURS})`),
    idempotencyRecords: await count(sql`delete from idempotency_records where created_at <= now() - make_interval(hours => ${IDEMPOTENCY_KEEP_HOURS})`),
    usageCounts: await count(sql`delete from api_key_usage where day < (now() at time zone 'UTC')::date - ${USAGE_KEEP_DAYS}::int`),
    passkeyChallenges: await count(sql`delete from webauthn_challenges where expires_at <= now()`),
  };
}
