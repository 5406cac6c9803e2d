import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createApiRateLimiter, hitApiRateLimit } from "@/lib/security/api-rate-limit";
import { databaseStore, redisStore, type RateLimitStore } from "@/lib/security/rate-limit-store";
import { db } from "@/lib/test/helpers";

// The database store always; Redis as well when REDIS_URL is set (CI sets it for its PostgreSQL pass).
const stores: [string, RateLimitStore][] = [["database", databaseStore(db)]];
if (process.env.REDIS_URL) stores.push(["redis", redisStore(process.env.REDIS_URL)]);

/** A store that counts the calls made to it. */
function counting(store: RateLimitStore) {
  const calls = { n: 0 };
  const counted: RateLimitStore = { hit: (...args) => ((calls.n += 1), store.hit(...args)) };
  return { store: counted, calls };
}

describe.each(stores)("the shared API rate limit, in the %s", (_, store) => {
  const bucket = (name: string) => `test:${randomUUID()}:${name}`;
  const sharedHits = async (b: string) => (await store.hit(b, Number.MAX_SAFE_INTEGER, 60, 0)).hits;

  it("allows exactly the limit on one instance, and answers with the seconds left", async () => {
    const b = bucket("exact");
    const results = [];
    for (let i = 0; i < 12; i++) results.push(await hitApiRateLimit(store, b, 10, 60));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.at(-1)!.retryAfterSeconds).toBeGreaterThan(55);
  });

  it("admits exactly the limit when a burst arrives while the first hits are still in flight", async () => {
    const b = bucket("burst");
    const { store: counted, calls } = counting(store);
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const results = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        await later(i % 12); // arrivals spread over the first round trips
        return hitApiRateLimit(counted, b, 60, 60);
      }),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(60);
    // Every admitted call was reserved in the shared count first; once it reached the limit, the
    // refusals were decided here, without asking the store.
    expect(await sharedHits(b)).toBeGreaterThanOrEqual(60);
    expect(calls.n).toBeLessThan(60);
  });

  it("several instances on one store admit at most the limit between them, however the calls are spread", async () => {
    for (const [instances, calls, limit] of [
      [2, 80, 40],
      [3, 300, 100],
      [5, 51, 50],
      [5, 500, 50],
    ] as const) {
      const b = bucket(`instances-${instances}-${calls}`);
      const limiters = Array.from({ length: instances }, () => createApiRateLimiter());
      const results = await Promise.all(Array.from({ length: calls }, (_, i) => limiters[i % instances]!.hit(store, b, limit, 60)));
      const admitted = results.filter((r) => r.allowed).length;
      expect(admitted, `${instances} instances, ${calls} calls`).toBeLessThanOrEqual(limit);
      // With calls enough for every instance to use up what it reserved, nothing reserved is left unused.
      if (calls >= 2 * limit) expect(admitted, `${instances} instances, ${calls} calls`).toBe(limit);
      for (const r of results.filter((r) => !r.allowed)) expect(r.retryAfterSeconds).toBeGreaterThan(0);
    }
    // One after another, alternating: still exactly the limit.
    const b = bucket("alternating");
    const [a, c] = [createApiRateLimiter(), createApiRateLimiter()];
    let admitted = 0;
    for (let i = 0; i < 30; i++) if ((await (i % 2 ? a : c).hit(store, b, 20, 60)).allowed) admitted += 1;
    expect(admitted).toBe(20);
  });

  it("a busy key costs a few store calls, not one per call", async () => {
    const b = bucket("leases");
    const { store: counted, calls } = counting(store);
    // A clock that stands still: every lease is used up "at once", so each is twice the last.
    const limiter = createApiRateLimiter(() => 1_000_000);
    for (let i = 0; i < 1000; i++) expect((await limiter.hit(counted, b, 1_000_000, 60)).allowed).toBe(true);
    expect(calls.n).toBeLessThanOrEqual(11);
    expect(await sharedHits(b)).toBeGreaterThanOrEqual(1000);
  });

  it("refuses at once once another instance has used up the window", async () => {
    const b = bucket("shared");
    const here = createApiRateLimiter();
    expect((await here.hit(store, b, 50, 60)).allowed).toBe(true);
    await store.hit(b, 50, 60, 49); // another instance
    const refused = await here.hit(store, b, 50, 60);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe("a store that stops answering", () => {
  it("gives the lease up after a bound, fails the calls waiting on it, and lets the next call ask again", async () => {
    const limiter = createApiRateLimiter();
    const stuck: RateLimitStore = { hit: () => new Promise(() => {}) };
    const waiting = await Promise.allSettled([limiter.hit(stuck, "test:stuck", 10, 60), limiter.hit(stuck, "test:stuck", 10, 60)]);
    for (const outcome of waiting) {
      expect(outcome.status).toBe("rejected");
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: "ETIMEDOUT" });
    }
    expect((await limiter.hit(databaseStore(db), "test:stuck", 10, 60)).allowed).toBe(true);
  });
});

describe("the database store", () => {
  it("keeps one row per bucket, counted atomically", async () => {
    const store = databaseStore(db);
    await Promise.all(Array.from({ length: 20 }, () => store.hit("test:rows", 100, 60, 1)));
    const rows = await db().execute<{ hits: number }>(sql`select hits from rate_limits where bucket = 'test:rows'`);
    expect(rows.rows.map((r) => Number(r.hits))).toEqual([20]);
  });
});
