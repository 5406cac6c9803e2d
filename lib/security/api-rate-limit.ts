import "server-only";
import type { RateLimitResult } from "./rate-limit";
import type { RateLimitStore } from "./rate-limit-store";

/**
 * Per-key (and per-address) API rate limiting shared by every instance — through the database, or
 * Redis when REDIS_URL is set — strictly, and without a round trip on every request.
 *
 * An instance admits a call only with a token it has reserved from the shared counter: it asks the
 * store for a lease of N hits (one INCRBY or one upsert), and the store's answer says how many of
 * those N still fit under the limit. Since every admitted call was counted in the shared counter
 * before it was admitted, all instances together admit at most the limit in a window, whatever
 * their number and however the calls are spread between them.
 *
 * Leases grow while a key is busy (doubled when the last one was used up within GROW_WITHIN_MS,
 * halved when it lasted longer), so a busy key costs a few store calls a second rather than one
 * per request; and they never take more than a MAX_SHARE-th of what is left in the window, so an
 * instance that falls idle holding tokens keeps little from the others, and near the limit every
 * lease is a single hit. Once the shared count reaches the limit, the window is spent for every
 * instance: further calls are refused here, without asking the store, until it ends.
 */
const GROW_WITHIN_MS = 250;
const MAX_SHARE = 8;
/** A lease the store has not answered by then is given up: the calls waiting on it get a 503, the next call asks again. */
const LEASE_TIMEOUT_MS = 2_000;

interface Bucket {
  limit: number;
  windowSeconds: number;
  windowEndsAt: number;
  /** Hits reserved in the shared counter and not yet used by a call here. */
  tokens: number;
  /** The shared count at the store's last answer. */
  shared: number;
  leaseSize: number;
  leasedAt: number;
  /** The shared count has reached the limit: nothing more is granted in this window. */
  spent: boolean;
  /** The lease being asked for, shared by every call that arrives while it is. */
  leasing: Promise<void> | null;
}

/** The store's answer, or a timeout error (a stuck connection must not hold every call of a key). */
function withinTimeout<T>(answer: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`The rate-limit store did not answer within ${LEASE_TIMEOUT_MS} ms`), { code: "ETIMEDOUT" })),
      LEASE_TIMEOUT_MS,
    );
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

/**
 * One instance's leases: the process has one (hitApiRateLimit); tests make several to act as several
 * instances. A call answered from the tokens in hand (or refused in a spent window) is answered at
 * once, without a promise: only a call that must wait for a lease waits.
 */
export interface ApiRateLimiter {
  hit(store: RateLimitStore, bucket: string, limit: number, windowSeconds: number): RateLimitResult | Promise<RateLimitResult>;
  /** Forgets the windows that have ended (their unused tokens lapse with them). */
  sweep(): void;
}

export function createApiRateLimiter(clock: () => number = Date.now): ApiRateLimiter {
  const buckets = new Map<string, Bucket>();
  const secondsLeft = (b: Bucket, now: number) => Math.max(1, Math.ceil((b.windowEndsAt - now) / 1000));

  /** Reserves the next lease of hits for `b` in the shared counter and keeps the part granted. */
  async function lease(store: RateLimitStore, bucket: string, b: Bucket): Promise<void> {
    const started = clock();
    if (b.leasedAt) b.leaseSize = started - b.leasedAt < GROW_WITHIN_MS ? b.leaseSize * 2 : Math.max(1, Math.floor(b.leaseSize / 2));
    const size = Math.max(1, Math.min(b.leaseSize, Math.floor((b.limit - b.shared) / MAX_SHARE)));
    const result = await withinTimeout(store.hit(bucket, b.limit, b.windowSeconds, size));
    // The hits before this lease were result.hits - size: what is left under the limit is granted.
    const granted = Math.max(0, Math.min(size, b.limit - (result.hits - size)));
    b.tokens += granted;
    b.shared = result.hits;
    b.leasedAt = clock();
    // The store's window ends between (seconds - 1) and seconds after it answered; the tokens here
    // lapse at the earlier of the two, so none is used in the next window the others count afresh.
    b.windowEndsAt = started + (result.retryAfterSeconds - 1) * 1000;
    if (result.hits >= b.limit) b.spent = true;
  }

  /** The bucket's answer from what is in hand, or null when a lease must be asked for first. */
  function answerInHand(bucket: string, limit: number, windowSeconds: number): { b: Bucket; result: RateLimitResult | null } {
    const now = clock();
    let b = buckets.get(bucket);
    if (b && b.windowEndsAt <= now && !b.leasing) {
      buckets.delete(bucket);
      b = undefined;
    }
    if (!b) {
      // Until the store answers, the window is assumed to start now (a bucket whose first lease failed is then swept too).
      b = { limit, windowSeconds, windowEndsAt: now + windowSeconds * 1000, tokens: 0, shared: 0, leaseSize: 1, leasedAt: 0, spent: false, leasing: null };
      buckets.set(bucket, b);
    }
    if (b.tokens > 0) {
      b.tokens -= 1;
      return { b, result: { allowed: true, hits: b.shared, retryAfterSeconds: secondsLeft(b, now) } };
    }
    if (b.spent) return { b, result: { allowed: false, hits: b.shared, retryAfterSeconds: secondsLeft(b, now) } };
    return { b, result: null };
  }

  async function afterLeases(store: RateLimitStore, bucket: string, limit: number, windowSeconds: number, first: Bucket): Promise<RateLimitResult> {
    for (let b = first; ; ) {
      const current = b;
      current.leasing ??= lease(store, bucket, current).finally(() => {
        current.leasing = null;
      });
      await current.leasing;
      const next = answerInHand(bucket, limit, windowSeconds);
      if (next.result) return next.result;
      b = next.b;
    }
  }

  return {
    hit(store, bucket, limit, windowSeconds) {
      const { b, result } = answerInHand(bucket, limit, windowSeconds);
      return result ?? afterLeases(store, bucket, limit, windowSeconds, b);
    },
    sweep() {
      const now = clock();
      for (const [bucket, b] of buckets) if (b.windowEndsAt <= now && !b.leasing) buckets.delete(bucket);
    },
  };
}

declare global {
  var __latchkeyApiLimiter: ApiRateLimiter | undefined;
}

/** The process's limiter: one per process, shared by the API bundle and Next's server bundle. */
function processLimiter(): ApiRateLimiter {
  if (!globalThis.__latchkeyApiLimiter) {
    const limiter = createApiRateLimiter();
    globalThis.__latchkeyApiLimiter = limiter;
    setInterval(() => limiter.sweep(), 30_000).unref?.();
  }
  return globalThis.__latchkeyApiLimiter;
}

export function hitApiRateLimit(store: RateLimitStore, bucket: string, limit: number, windowSeconds: number): RateLimitResult | Promise<RateLimitResult> {
  return processLimiter().hit(store, bucket, limit, windowSeconds);
}
