import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { seedDemoData } from "@/lib/demo/seed";
import { listKeys } from "@/lib/keys/list-keys";
import type { TestDatabase } from "@/lib/test/database";
import { actorFor, db } from "@/lib/test/helpers";
import { makeKey } from "@/lib/test/keys";
import { apiKeyIndexes, undoMigrationsFrom, unusableIndexes } from "@/lib/test/migrations";

const LIST_INDEXES = ["api_keys_list_expiry", "api_keys_list_leaked", "api_keys_list_order"];

beforeAll(async () => {
  await seedDemoData(db());
});

describe("migration 0010 (the key list's indexes) upgrades a database that already holds keys", () => {
  it("indexes the keys already there, and the list reads the same before and after", async () => {
    for (let i = 0; i < 3; i++) await makeKey("naledi@acme.example", { alias: `Upgrade key ${i}` });
    await db().execute(sql`update api_keys set revoked_at = now() where alias = 'Upgrade key 1'`);
    const naledi = await actorFor("naledi@acme.example");
    const before = await listKeys(db(), naledi, {});

    // The database as the release before 0010 left it: no list indexes.
    await undoMigrationsFrom(db(), "0010_key_list_indexes");
    expect(await apiKeyIndexes(db(), "api_keys_list_")).toEqual([]);
    const undone = await listKeys(db(), naledi, {});
    expect(undone.keys.map((k) => k.id)).toEqual(before.keys.map((k) => k.id));

    await (globalThis.__latchkeyDatabase as TestDatabase).migrate();

    const indexes = await apiKeyIndexes(db(), "api_keys_list_");
    expect(indexes.map((i) => i.indexname)).toEqual(LIST_INDEXES);
    const definition = (name: string) => indexes.find((i) => i.indexname === name)!.indexdef;
    expect(definition("api_keys_list_order")).toMatch(/\(org_id, created_at DESC, alias, id, retires_at\) WHERE \(revoked_at IS NULL\)$/);
    expect(definition("api_keys_list_expiry")).toMatch(/\(org_id, expires_at, id, retires_at\) WHERE \(\(revoked_at IS NULL\) AND \(leaked_at IS NULL\)\)$/);
    expect(definition("api_keys_list_leaked")).toMatch(/\(org_id\) WHERE \(\(leaked_at IS NOT NULL\) AND \(revoked_at IS NULL\)\)$/);
    // Every index is valid and holds the keys already there: each answers a count as the table does.
    const counts = await db().execute<{ live: number | string; ordered: number | string }>(sql`
      select (select count(*) from api_keys where revoked_at is null) as live,
             (select count(*) from (select 1 from api_keys where revoked_at is null order by org_id, created_at desc, alias, id) o) as ordered`);
    expect(Number(counts.rows[0]!.ordered)).toBe(Number(counts.rows[0]!.live));
    expect(await unusableIndexes(db(), "api_keys_list_")).toEqual([]);

    const after = await listKeys(db(), naledi, {});
    expect(after.keys.map((k) => k.id)).toEqual(before.keys.map((k) => k.id));
    expect(after.keys.map((k) => k.alias)).not.toContain("Upgrade key 1");
    expect(after.total).toBe(before.total);
  });
});
