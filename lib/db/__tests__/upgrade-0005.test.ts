import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { apiKeys, organisations, roles } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { undoMigrationsFrom } from "@/lib/test/migrations";

describe("migration 0005 (key guardrails) upgrades a database that already holds keys", () => {
  it("keeps every existing key as it was: usable from anywhere, one secret, no limit, approved; Superadmins and Admins may approve keys", async () => {
    const handle = openDatabase({ pglite: "memory://" });
    await handle.migrate();
    await seedDemoData(handle.db);
    // The database as the release before 0005 left it: no allowlist column, 0005 (and what came after) not recorded.
    await undoMigrationsFrom(handle.db, "0005_key_guardrails");
    const keysBefore = Number((await handle.db.execute<{ n: number }>(sql`select count(*)::int as n from api_keys`)).rows[0]!.n);
    expect(keysBefore).toBeGreaterThan(0);

    await handle.migrate();
    const rows = await handle.db
      .select({ allowedIps: apiKeys.allowedIps, previous: apiKeys.previousSecretHash, pending: apiKeys.pendingApprovalSince, limit: apiKeys.maxPerDay })
      .from(apiKeys);
    expect(rows).toHaveLength(keysBefore);
    expect(rows.every((r) => r.allowedIps.length === 0 && r.previous === null && r.pending === null && r.limit === null)).toBe(true);
    // Maker-checker is off until a Superadmin turns it on; Superadmins and Admins may approve keys.
    expect((await handle.db.select({ on: organisations.keyApprovalRequired }).from(organisations)).every((o) => !o.on)).toBe(true);
    const approvers = await handle.db.select({ builtIn: roles.builtIn }).from(roles).where(sql`'keys:approve' = any(${roles.permissions})`);
    expect(new Set(approvers.map((r) => r.builtIn))).toEqual(new Set(["superadmin", "admin"]));
    await handle.close();
  });
});
