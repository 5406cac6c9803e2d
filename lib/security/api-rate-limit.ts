import "server-only";
import type { RateLimitResult } from "./rate-limit";
import type { RateLimitStore } from "./rate-limit-store";

/**
 * Per-key API rate limiting shared by every instance — through the database, or Redis when
 * REDIS_URL is set — without a round trip on every request. Each instance counts locally on top of
 * the last shared count it saw; every SYNC_MS a timer adds its local hits to the shared counter in
 * one call per active key and reads the total back. The first hit
 * of a key in a window goes to the database directly, so a fresh instance starts from the shared
 * count. Across instances the limit can be overshot by what they admit within one sync interval.
 */
const SYNC_MS = 250;

interface Bucket {
  windowSeconds: number;
  limit: number;
  windowEndsAt: number;
  shared: number;
  local: number;
  /** Hits being pushed by a sync right now: still counted until the store's answer includes them. */
  pending: number;
  /** Whether the bucket saw a hit since the last sync; idle buckets cost no query. */
  active: boolean;
}

interface State {
  buckets: Map<string, Bucket>;
  /** A bucket's first database round trip, shared by every request that arrives during it. */
  loading: Map<string, Promise<RateLimitResult>>;
  timer: ReturnType<typeof setInterval> | null;
}

declare global {
  var __latchkeyApiLimits: State | undefined;
}

function state(): State {
  globalThis.__latchkeyApiLimits ??= { buckets: new Map(), loading: new Map(), timer: null };
  return globalThis.__latchkeyApiLimits;
}

export async function hitApiRateLimit(store: RateLimitStore, bucket: string, limit: number, windowSeconds: number, now = Date.now()): Promise<RateLimitResult> {
  const s = state();
  const known = s.buckets.get(bucket);
  if (!known || known.windowEndsAt <= now) {
    const loading = s.loading.get(bucket);
    if (loading) {
      // Someone is already fetching the shared count: wait for it, then count locally.
      await loading;
      return hitApiRateLimit(store, bucket, limit, windowSeconds, Date.now());
    }
    const first = store.hit(bucket, limit, windowSeconds, 1).then((result) => {
      s.buckets.set(bucket, {
        windowSeconds,
        limit,
        windowEndsAt: Date.now() + result.retryAfterSeconds * 1000,
        shared: result.hits,
        local: 0,
        pending: 0,
        active: false,
      });
      return result;
    });
    s.loading.set(bucket, first);
    void first.finally(() => s.loading.delete(bucket)).catch(() => {});
    if (!s.timer) {
      s.timer = setInterval(() => void syncApiRateLimits(store).catch(() => {}), SYNC_MS);
      s.timer.unref?.();
    }
    return first;
  }
  // Every hit counts, admitted or not, as it does in the database.
  known.local += 1;
  known.active = true;
  const hits = known.shared + known.pending + known.local;
  const retryAfterSeconds = Math.max(1, Math.ceil((known.windowEndsAt - now) / 1000));
  return { allowed: hits <= limit, hits, retryAfterSeconds };
}

/** Pushes local hits of active buckets to the shared counters and reads the totals back; drops finished windows. */
export async function syncApiRateLimits(store: RateLimitStore, now = Date.now()): Promise<void> {
  const s = state();
  for (const [bucket, b] of s.buckets) {
    if (b.windowEndsAt <= now) {
      s.buckets.delete(bucket);
      continue;
    }
    if (!b.active) continue;
    b.active = false;
    const local = b.local;
    b.local = 0;
    b.pending += local;
    try {
      const result = await store.hit(bucket, b.limit, b.windowSeconds, local);
      // Both in one synchronous step: the answer already includes the pushed hits.
      b.shared = result.hits;
      b.windowEndsAt = now + result.retryAfterSeconds * 1000;
    } catch (error) {
      b.local += local; // not pushed: keep counting them here and push them next time
      throw error;
    } finally {
      b.pending -= local;
    }
  }
}
