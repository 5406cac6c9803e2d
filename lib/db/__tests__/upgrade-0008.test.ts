import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoData } from "@/lib/demo/seed";
import type { TestDatabase } from "@/lib/test/database";
import { db } from "@/lib/test/helpers";
import { makeKey } from "@/lib/test/keys";
import { undoMigrationsFrom } from "@/lib/test/migrations";
import { appRoleStatements, dropAppRoleStatements } from "@/scripts/lib/app-role.mjs";

/** The application's DML-only role, made before the upgrade as a deployment made it (README: Database roles). */
const role = `latchkey_t_up8_${process.pid}_${randomBytes(3).toString("hex")}`;

beforeAll(async () => {
  await seedDemoData(db());
});

afterAll(async () => {
  for (const statement of dropAppRoleStatements(role)) await db().execute(sql.raw(statement));
  await db().execute(sql.raw(`drop role if exists ${role}`));
});

type KeyState = { id: string; usage_tracked_since: Date | string; leaked_at: unknown; retires_at: unknown; replaced_by: unknown };

describe("migration 0008 (usage, leaks, narrower renewals) upgrades a database that already holds keys", () => {
  it("keeps every key working, counts their permission use from the upgrade on, and lets the application's role write usage", async () => {
    const made = await makeKey();
    const before = await db().execute<{ n: number | string }>(sql`select count(*) as n from api_keys`);
    const keyCount = Number(before.rows[0]!.n);
    expect(keyCount).toBeGreaterThan(1);

    // The database as the release before 0008 left it: no usage tables, no leak or retirement columns.
    await undoMigrationsFrom(db(), "0008_usage_leaks_narrower");
    for (const statement of appRoleStatements(role, randomBytes(12).toString("base64url"))) await db().execute(sql.raw(statement));
    const columns = await db().execute<{ column_name: string }>(
      sql`select column_name from information_schema.columns where table_name = 'api_keys' and column_name in ('leaked_at', 'usage_tracked_since')`,
    );
    expect(columns.rows).toEqual([]);

    const upgradedFrom = await db().execute<{ now: Date | string }>(sql`select now() as now`);
    const startedAt = new Date(upgradedFrom.rows[0]!.now).getTime();
    await (globalThis.__latchkeyDatabase as TestDatabase).migrate();

    const keys = await db().execute<KeyState>(sql`select id, usage_tracked_since, leaked_at, retires_at, replaced_by from api_keys`);
    expect(keys.rows).toHaveLength(keyCount);
    for (const key of keys.rows) {
      // A key older than the record of permission use counts "unused" only from the upgrade on, never from its creation.
      expect(new Date(key.usage_tracked_since).getTime()).toBeGreaterThanOrEqual(startedAt);
      expect([key.leaked_at, key.retires_at, key.replaced_by]).toEqual([null, null, null]);
    }

    // The application's role, granted before the upgrade, writes the new tables (default privileges) and marks a leak.
    await db().transaction(async (tx) => {
      await tx.execute(sql.raw(`set local role ${role}`));
      await tx.execute(sql`insert into api_key_usage (key_id, day, route, outcome, calls) values (${made.id}, '2026-11-30', '/api/v1/accounts', '2xx', 3)`);
      await tx.execute(sql`insert into api_key_permission_use (key_id, permission, last_used_at) values (${made.id}, 'accounts:view', now())`);
      await tx.execute(sql`update api_keys set leaked_at = now(), leak_url = 'https://example.test/leak' where id = ${made.id}`);
    });
    const usage = await db().execute<{ calls: number | string }>(sql`select calls from api_key_usage where key_id = ${made.id}`);
    expect(usage.rows.map((r) => Number(r.calls))).toEqual([3]);
    // The outcome class and the count are checked by the database itself.
    await expect(
      db().execute(sql`insert into api_key_usage (key_id, day, route, outcome, calls) values (${made.id}, '2026-11-30', '/api/v1/accounts', '3xx', 1)`),
    ).rejects.toMatchObject({ cause: { code: "23514" } });
    await expect(
      db().execute(sql`insert into api_key_usage (key_id, day, route, outcome, calls) values (${made.id}, '2026-11-29', '/api/v1/accounts', '2xx', 0)`),
    ).rejects.toMatchObject({ cause: { code: "23514" } });
  });
});
