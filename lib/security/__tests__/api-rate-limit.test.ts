import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { hitApiRateLimit, syncApiRateLimits } from "@/lib/security/api-rate-limit";
import { databaseStore, redisStore, type RateLimitStore } from "@/lib/security/rate-limit-store";
import { db } from "@/lib/test/helpers";

// The database store always; Redis as well when REDIS_URL is set (CI sets it for its PostgreSQL pass).
const stores: [string, RateLimitStore][] = [["database", databaseStore(db)]];
if (process.env.REDIS_URL) stores.push(["redis", redisStore(process.env.REDIS_URL)]);

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
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const results = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        await later(i % 12); // arrivals spread over the first round trips
        return hitApiRateLimit(store, b, 60, 60);
      }),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(60);
    await syncApiRateLimits(store);
    expect(await sharedHits(b)).toBe(120);
  });

  it("keeps counting the hits a sync is pushing while the store has not answered yet", async () => {
    const b = bucket("in-flight");
    const slow: RateLimitStore = { hit: async (...args) => (await new Promise((r) => setTimeout(r, 50)), store.hit(...args)) };
    for (let i = 0; i < 40; i++) await hitApiRateLimit(slow, b, 50, 60);
    const syncing = syncApiRateLimits(slow);
    const during = [];
    for (let i = 0; i < 20; i++) during.push(await hitApiRateLimit(slow, b, 50, 60));
    await syncing;
    expect(during.filter((r) => r.allowed)).toHaveLength(10);
  });

  it("sends only the first hit at once, then the rest in one sync", async () => {
    const b = bucket("batched");
    for (let i = 0; i < 25; i++) await hitApiRateLimit(store, b, 1000, 60);
    expect(await sharedHits(b)).toBe(1);
    await syncApiRateLimits(store);
    expect(await sharedHits(b)).toBe(25);
  });

  it("feels the hits other instances pushed, after a sync", async () => {
    const b = bucket("shared");
    await hitApiRateLimit(store, b, 50, 60);
    await store.hit(b, 50, 60, 49); // another instance
    expect((await hitApiRateLimit(store, b, 50, 60)).allowed).toBe(true); // not yet seen
    await syncApiRateLimits(store);
    expect((await hitApiRateLimit(store, b, 50, 60)).allowed).toBe(false);
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
