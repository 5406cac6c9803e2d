import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { apiKeys, organisations, roles } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";

describe("migration 0005 (key guardrails) upgrades a database that already holds keys", () => {
  it("keeps every existing key as it was: usable from anywhere, one secret, no limit, approved; Superadmins and Admins may approve keys", async () => {
    const handle = openDatabase({ pglite: "memory://" });
    await handle.migrate();
    await seedDemoData(handle.db);
    // The database as the release before 0005 left it: no allowlist column, 0005 not recorded — nor 0006's audit chain.
    for (const statement of [
      "drop view applied_migrations",
      "drop trigger audit_events_chain on audit_events",
      "drop function audit_events_chain()",
      "drop function audit_event_canonical(audit_events)",
      "drop index audit_events_chain_seq",
      "alter table audit_events drop column chain_seq, drop column prev_hash, drop column hash",
      "drop table audit_chain_heads",
    ]) {
      await handle.db.execute(sql.raw(statement));
    }
    await handle.db.execute(
      sql`alter table api_keys drop column allowed_ips, drop column previous_secret_hash, drop column previous_prefix, drop column previous_secret_expires_at, drop column previous_secret_last_used_at, drop column max_per_payment, drop column max_per_day, drop column pending_approval_since, drop column approved_by, drop column approved_at`,
    );
    await handle.db.execute(sql`alter table organisations drop column key_approval_required`);
    await handle.db.execute(sql`drop table api_key_daily_use`);
    await handle.db.execute(sql`update roles set permissions = array_remove(permissions, 'keys:approve')`);
    await handle.db.execute(sql`delete from drizzle.__drizzle_migrations where id in (select id from drizzle.__drizzle_migrations order by id desc limit 3)`);
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
