import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { hitApiRateLimit, syncApiRateLimits } from "@/lib/security/api-rate-limit";
import { db } from "@/lib/test/helpers";

const sharedHits = async (bucket: string) =>
  Number((await db().execute<{ hits: number }>(sql`select hits from rate_limits where bucket = ${bucket}`)).rows[0]?.hits ?? 0);

describe("the shared API rate limit", () => {
  it("allows exactly the limit on one instance, and answers with the seconds left", async () => {
    const results = [];
    for (let i = 0; i < 12; i++) results.push(await hitApiRateLimit(db, "test:exact", 10, 60));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.at(-1)!.retryAfterSeconds).toBeGreaterThan(55);
  });

  it("admits exactly the limit when a burst arrives while the first hits are still in flight", async () => {
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const results = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        await later(i % 12); // arrivals spread over the first database round trips
        return hitApiRateLimit(db, "test:burst", 60, 60);
      }),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(60);
    await syncApiRateLimits(db());
    expect(await sharedHits("test:burst")).toBe(120);
  });

  it("writes only the first hit at once, then the rest in one sync", async () => {
    for (let i = 0; i < 25; i++) await hitApiRateLimit(db, "test:batched", 1000, 60);
    expect(await sharedHits("test:batched")).toBe(1);
    await syncApiRateLimits(db());
    expect(await sharedHits("test:batched")).toBe(25);
  });

  it("feels the hits other instances pushed, after a sync", async () => {
    await hitApiRateLimit(db, "test:shared", 50, 60);
    await db().execute(sql`update rate_limits set hits = hits + 49 where bucket = 'test:shared'`);
    expect((await hitApiRateLimit(db, "test:shared", 50, 60)).allowed).toBe(true); // not yet seen
    await syncApiRateLimits(db());
    expect((await hitApiRateLimit(db, "test:shared", 50, 60)).allowed).toBe(false);
  });
});
