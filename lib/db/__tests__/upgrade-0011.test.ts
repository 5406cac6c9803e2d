import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organisations, roles, webhookEvents } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import type { TestDatabase } from "@/lib/test/database";
import { db } from "@/lib/test/helpers";
import { makeKey } from "@/lib/test/keys";
import { undoMigrationsFrom } from "@/lib/test/migrations";
import { insertEndpoint, webhookTestEnv } from "@/lib/test/webhooks";

const TABLES = ["webhook_attempts", "webhook_deliveries", "webhook_endpoints", "webhook_events"];

let restoreEnv: () => void;
beforeAll(async () => {
  restoreEnv = webhookTestEnv({ allowPrivate: false });
  await seedDemoData(db());
});
afterAll(() => restoreEnv());

async function webhookTables() {
  const found = await db().execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_name like 'webhook_%' order by table_name`,
  );
  return found.rows.map((r) => r.table_name);
}

async function rolesWithWebhooks() {
  const found = await db().execute<{ name: string; built_in: string | null; has: boolean }>(
    sql`select name, built_in, 'webhooks:manage' = any(permissions) as has from roles order by org_id, name`,
  );
  return found.rows;
}

describe("migration 0011 (webhooks) upgrades a database that already holds the demo organisations", () => {
  it("adds the four tables, gives the built-in Superadmin and Admin roles webhooks:manage, and leaves every other role and row alone", async () => {
    await makeKey("naledi@acme.example", { alias: "Before webhooks" });
    const [acme] = await db().select({ id: organisations.id }).from(organisations).where(sql`name = ${ORG_NAMES.acme}`);
    await db()
      .insert(roles)
      .values({ orgId: acme!.id, name: "Custom auditor", permissions: ["keys:view"] });
    const counts = async () =>
      (
        await db().execute<{ keys: string | number; roles: string | number; members: string | number; audit: string | number }>(
          sql`select (select count(*) from api_keys) as keys, (select count(*) from roles) as roles, (select count(*) from memberships) as members, (select count(*) from audit_events) as audit`,
        )
      ).rows[0];
    const before = await counts();

    // The database as the release before 0011 left it.
    await undoMigrationsFrom(db(), "0011_webhooks");
    expect(await webhookTables()).toEqual([]);
    expect((await rolesWithWebhooks()).some((r) => r.has)).toBe(false);

    await (globalThis.__latchkeyDatabase as TestDatabase).migrate();

    expect(await webhookTables()).toEqual(TABLES);
    const upgraded = await rolesWithWebhooks();
    const builtIn = upgraded.filter((r) => r.built_in === "superadmin" || r.built_in === "admin");
    expect(builtIn.length).toBeGreaterThanOrEqual(4);
    for (const role of upgraded) expect(role.has, `${role.name} (${role.built_in})`).toBe(role.built_in === "superadmin" || role.built_in === "admin");
    expect(await counts()).toEqual(before);

    // No role holds the permission twice.
    const twice = await db().execute<{ n: number | string }>(sql`select max(cardinality(array_positions(permissions, 'webhooks:manage'))) as n from roles`);
    expect(Number(twice.rows[0]!.n)).toBe(1);

    // And the outbox works on the upgraded database.
    await insertEndpoint(acme!.id, "https://hooks.example.com/in", { eventTypes: ["key.created"] });
    await makeKey("naledi@acme.example", { alias: "After webhooks" });
    const events = await db().select().from(webhookEvents);
    expect(events.map((e) => e.type)).toEqual(["key.created"]);
  });
});
