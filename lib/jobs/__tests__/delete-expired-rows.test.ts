import { eq, inArray, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { accessTokens, apiKeyUsage, idempotencyRecords, rateLimits, sessions, users } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { runJobs } from "@/lib/jobs/run-jobs";
import { makeKey } from "@/lib/test/keys";
import { db } from "@/lib/test/helpers";

beforeAll(async () => {
  await seedDemoData(db());
});

describe("the jobs round deletes what can never be used again", () => {
  it("ended sessions, expired tokens, finished rate-limit windows and day-old idempotency records — and nothing live", async () => {
    const [pieter] = await db().select().from(users).where(eq(users.email, "pieter@acme.example"));
    const at = (interval: string) => sql`now() - ${interval}::interval`;
    const later = sql`now() + interval '1 hour'`;
    const made = await db()
      .insert(sessions)
      .values([
        { userId: pieter!.id, expiresAt: later },
        { userId: pieter!.id, expiresAt: at("1 minute") },
        { userId: pieter!.id, expiresAt: later, revokedAt: at("1 minute") },
        { userId: pieter!.id, expiresAt: later, lastSeenAt: at("31 minutes") },
      ] as never)
      .returning({ id: sessions.id });
    const { id: keyId } = await makeKey("naledi@acme.example");
    const [key] = await db()
      .execute<{ application_id: string }>(sql`select application_id from api_keys where id = ${keyId}`)
      .then((r) => r.rows);
    await db()
      .insert(accessTokens)
      .values([
        { tokenHash: "live-token-hash", keyId, applicationId: key!.application_id, expiresAt: later },
        { tokenHash: "dead-token-hash", keyId, applicationId: key!.application_id, expiresAt: at("1 second") },
      ] as never);
    await db()
      .insert(rateLimits)
      .values([
        { bucket: "cleanup:current", windowStartedAt: at("10 minutes"), hits: 3 },
        { bucket: "cleanup:finished", windowStartedAt: at("2 hours"), hits: 3 },
      ] as never);
    await db()
      .insert(idempotencyRecords)
      .values([
        { keyId, idempotencyKey: "fresh", requestHash: "h", responseStatus: 201, responseBody: {}, createdAt: at("1 hour") },
        { keyId, idempotencyKey: "stale", requestHash: "h", responseStatus: 201, responseBody: {}, createdAt: at("25 hours") },
      ] as never);

    const result = await runJobs(db());
    expect(result.deleted.sessions).toBeGreaterThanOrEqual(3);

    const left = await db()
      .select({ id: sessions.id })
      .from(sessions)
      .where(
        inArray(
          sessions.id,
          made.map((m) => m.id),
        ),
      );
    expect(left.map((s) => s.id)).toEqual([made[0]!.id]);
    expect((await db().select().from(accessTokens).where(eq(accessTokens.keyId, keyId))).map((t) => t.tokenHash)).toEqual(["live-token-hash"]);
    expect(
      (
        await db()
          .select()
          .from(rateLimits)
          .where(inArray(rateLimits.bucket, ["cleanup:current", "cleanup:finished"]))
      ).map((r) => r.bucket),
    ).toEqual(["cleanup:current"]);
    expect((await db().select().from(idempotencyRecords).where(eq(idempotencyRecords.keyId, keyId))).map((r) => r.idempotencyKey)).toEqual(["fresh"]);
  });

  it("usage counts of UTC days more than 400 days back, and no newer ones", async () => {
    const { id: keyId } = await makeKey("naledi@acme.example");
    const daysAgo = async (days: number) =>
      (await db().execute<{ day: string }>(sql`select ((now() at time zone 'UTC')::date - ${days}::int)::text as day`)).rows[0]!.day;
    const kept = [0, 29, 399, 400];
    const gone = [401, 730];
    await db()
      .insert(apiKeyUsage)
      .values(
        await Promise.all(
          [...kept, ...gone].map(async (days) => ({ keyId, day: await daysAgo(days), route: "/api/v1/accounts", outcome: "2xx" as const, calls: days + 1 })),
        ),
      );
    const result = await runJobs(db());
    expect(result.deleted.usageCounts).toBe(gone.length);
    const left = await db().select({ calls: apiKeyUsage.calls }).from(apiKeyUsage).where(eq(apiKeyUsage.keyId, keyId)).orderBy(apiKeyUsage.calls);
    expect(left.map((r) => r.calls - 1)).toEqual(kept);
  });
});
