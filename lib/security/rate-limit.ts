import "server-only";
import { sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";

export interface RateLimitResult {
  allowed: boolean;
  hits: number;
  retryAfterSeconds: number;
}

/**
 * Counts `count` hits (one by default) against `bucket` in a fixed window, in one atomic upsert,
 * so every server instance sharing the database sees the same count.
 */
export async function hitRateLimit(db: Executor, bucket: string, limit: number, windowSeconds: number, count = 1): Promise<RateLimitResult> {
  const result = await db.execute<{ hits: number; retry_after: number }>(sql`
    insert into rate_limits (bucket, window_started_at, hits) values (${bucket}, now(), ${count})
    on conflict (bucket) do update set
      hits = case when rate_limits.window_started_at <= now() - make_interval(secs => ${windowSeconds})
                  then ${count} else rate_limits.hits + ${count} end,
      window_started_at = case when rate_limits.window_started_at <= now() - make_interval(secs => ${windowSeconds})
                  then now() else rate_limits.window_started_at end
    returning hits,
      greatest(1, ceil(extract(epoch from (window_started_at + make_interval(secs => ${windowSeconds}) - now()))))::int as retry_after
  `);
  const row = result.rows[0];
  if (!row) throw new Error("rate limit upsert returned no row");
  const hits = Number(row.hits);
  return { allowed: hits <= limit, hits, retryAfterSeconds: Number(row.retry_after) };
}

/** Takes back one hit, e.g. an attempt that turned out to be legitimate. */
export async function undoRateLimitHit(db: Executor, bucket: string): Promise<void> {
  await db.execute(sql`update rate_limits set hits = greatest(hits - 1, 0) where bucket = ${bucket}`);
}

export async function clearRateLimit(db: Executor, bucket: string): Promise<void> {
  await db.execute(sql`delete from rate_limits where bucket = ${bucket}`);
}
