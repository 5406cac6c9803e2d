import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { seedDemoData } from "@/lib/demo/seed";
import { listKeys } from "@/lib/keys/list-keys";
import type { TestDatabase } from "@/lib/test/database";
import { actorFor, db } from "@/lib/test/helpers";
import { makeKey } from "@/lib/test/keys";
import { apiKeyIndexes, undoMigrationsFrom, unusableIndexes } from "@/lib/test/migrations";

const SEARCH_INDEXES = ["api_keys_search_alias", "api_keys_search_prefix"];

beforeAll(async () => {
  await seedDemoData(db());
});

/** The plan of the key list's search predicate (lib/keys/list-keys.ts) in one organisation. */
async function searchPlan(orgId: string, pattern: string) {
  const plan = await db().execute<Record<string, string>>(
    sql`explain select id from api_keys where org_id = ${orgId} and revoked_at is null and (alias ilike ${pattern} or prefix ilike ${pattern})`,
  );
  return plan.rows.map((row) => Object.values(row)[0]).join("\n");
}

describe("migration 0012 (the key search's trigram indexes) upgrades a database that already holds keys", () => {
  it("indexes the keys already there; the search finds the same keys before and after, and reads the indexes, not every key", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const made = await makeKey("naledi@acme.example", { alias: "Quarterly reconciliation feed" });
    const orgId = naledi.org!.id;
    // An organisation with thousands of keys, as the search must stay cheap at: 10,000 more of Naledi's.
    await db().execute(sql`
      insert into api_keys (org_id, application_id, alias, mode, prefix, secret_hash, permissions, created_by, expires_at)
      select org_id, application_id, 'Bulk key ' || g, 'live', 'lk_live_' || substr(md5(g::text), 1, 4), md5('bulk' || g) || md5('key' || g),
             permissions, created_by, now() + interval '30 days'
      from api_keys, generate_series(1, 10000) as g where id = ${made.id}`);
    const prefix = (await db().execute<{ prefix: string }>(sql`select prefix from api_keys where id = ${made.id}`)).rows[0]!.prefix;
    const search = async (q: string) => (await listKeys(db(), naledi, { q })).keys.map((k) => k.alias);
    const before = { word: await search("RECONCILIATION"), prefix: await search(prefix), bulk: await search("Bulk key 9999") };
    expect(before.word).toEqual(["Quarterly reconciliation feed"]);
    expect(before.prefix).toContain("Quarterly reconciliation feed");
    expect(before.bulk).toEqual(["Bulk key 9999"]);

    // The database as the release before 0012 left it: the search reads every key of the organisation.
    await undoMigrationsFrom(db(), "0012_key_search_trigrams");
    expect(await apiKeyIndexes(db(), "api_keys_search_")).toEqual([]);
    await db().execute(sql`analyze api_keys`);
    expect(await searchPlan(orgId, "%reconciliation%")).not.toMatch(/api_keys_search_/);

    await (globalThis.__latchkeyDatabase as TestDatabase).migrate();
    await db().execute(sql`analyze api_keys`);

    const indexes = await apiKeyIndexes(db(), "api_keys_search_");
    expect(indexes.map((i) => i.indexname)).toEqual(SEARCH_INDEXES);
    for (const index of indexes) expect(index.indexdef).toMatch(/USING gin \((alias|prefix) gin_trgm_ops\) WHERE \(revoked_at IS NULL\)$/);
    expect(await unusableIndexes(db(), "api_keys_search_")).toEqual([]);
    // A word of an alias, and a key's prefix, are found through the indexes rather than by reading the 10,000 keys.
    expect(await searchPlan(orgId, "%reconciliation%")).toMatch(/Bitmap Index Scan on api_keys_search_alias/);
    expect(await searchPlan(orgId, `%${prefix.slice(-4)}%`)).toMatch(/Bitmap Index Scan on api_keys_search_prefix/);

    expect({ word: await search("RECONCILIATION"), prefix: await search(prefix), bulk: await search("Bulk key 9999") }).toEqual(before);
    // A deleted key leaves the search as it leaves the list (the indexes hold keys that still exist).
    await db().execute(sql`update api_keys set revoked_at = now() where id = ${made.id}`);
    expect(await search("reconciliation")).toEqual([]);
  });
});
