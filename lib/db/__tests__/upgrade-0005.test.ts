import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { apiKeys } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";

describe("migration 0005 (key guardrails) upgrades a database that already holds keys", () => {
  it("gives every existing key an empty allowlist (usable from anywhere, as before) and no overlapping secret", async () => {
    const handle = openDatabase({ pglite: "memory://" });
    await handle.migrate();
    await seedDemoData(handle.db);
    // The database as the release before 0005 left it: no allowlist column, 0005 not recorded.
    await handle.db.execute(
      sql`alter table api_keys drop column allowed_ips, drop column previous_secret_hash, drop column previous_prefix, drop column previous_secret_expires_at, drop column previous_secret_last_used_at`,
    );
    await handle.db.execute(sql`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)`);
    const keysBefore = Number((await handle.db.execute<{ n: number }>(sql`select count(*)::int as n from api_keys`)).rows[0]!.n);
    expect(keysBefore).toBeGreaterThan(0);

    await handle.migrate();
    const rows = await handle.db.select({ allowedIps: apiKeys.allowedIps, previous: apiKeys.previousSecretHash }).from(apiKeys);
    expect(rows).toHaveLength(keysBefore);
    expect(rows.every((r) => r.allowedIps.length === 0 && r.previous === null)).toBe(true);
    await handle.close();
  });
});
