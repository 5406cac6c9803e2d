import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoData } from "@/lib/demo/seed";
import type { TestDatabase } from "@/lib/test/database";
import { db } from "@/lib/test/helpers";
import { undoMigrationsFrom } from "@/lib/test/migrations";
import { appRoleStatements, dropAppRoleStatements } from "@/scripts/lib/app-role.mjs";

/** The application's DML-only role, made before the upgrade as a deployment made it (README: Database roles). */
const role = `latchkey_t_up9_${process.pid}_${randomBytes(3).toString("hex")}`;

beforeAll(async () => {
  await seedDemoData(db());
});

afterAll(async () => {
  for (const statement of dropAppRoleStatements(role)) await db().execute(sql.raw(statement));
  await db().execute(sql.raw(`drop role if exists ${role}`));
});

describe("migration 0009 (passkeys) upgrades a database that already holds people and organisations", () => {
  it("keeps every organisation without the passkey requirement, and lets the application's role use the new tables", async () => {
    const orgs = await db().execute<{ n: number | string }>(sql`select count(*) as n from organisations`);
    const people = await db().execute<{ id: string }>(sql`select id from users order by email limit 2`);
    expect(Number(orgs.rows[0]!.n)).toBeGreaterThan(1);

    // The database as the release before 0009 left it.
    await undoMigrationsFrom(db(), "0009_passkeys");
    for (const statement of appRoleStatements(role, randomBytes(12).toString("base64url"))) await db().execute(sql.raw(statement));
    const tables = await db().execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_name in ('passkeys', 'webauthn_challenges')`,
    );
    expect(tables.rows).toEqual([]);

    await (globalThis.__latchkeyDatabase as TestDatabase).migrate();

    const after = await db().execute<{ required: boolean }>(sql`select require_passkey_for_money as required from organisations`);
    expect(after.rows).toHaveLength(Number(orgs.rows[0]!.n));
    expect(after.rows.every((r) => r.required === false)).toBe(true);

    // The application's role, granted before the upgrade, writes the new tables (default privileges).
    const [first, second] = people.rows;
    await db().transaction(async (tx) => {
      await tx.execute(sql.raw(`set local role ${role}`));
      await tx.execute(
        sql`insert into passkeys (user_id, name, credential_id, public_key, transports) values (${first!.id}, 'Laptop', 'cred-1', '\\x0102'::bytea, '{internal}')`,
      );
      await tx.execute(
        sql`insert into webauthn_challenges (user_id, purpose, action, target_id, challenge, expires_at) values (${first!.id}, 'step_up', 'key.renew', null, 'chal-1', now() + interval '2 minutes')`,
      );
      await tx.execute(sql`update passkeys set counter = 3, last_used_at = now() where credential_id = 'cred-1'`);
      await tx.execute(sql`update webauthn_challenges set used_at = now() where challenge = 'chal-1'`);
      await tx.execute(sql`update organisations set require_passkey_for_money = true where id = (select id from organisations order by name limit 1)`);
    });
    const stored = await db().execute<{ counter: number | string; transports: string[]; backed_up: unknown }>(
      sql`select counter, transports, backed_up from passkeys where credential_id = 'cred-1'`,
    );
    expect(stored.rows.map((r) => [Number(r.counter), r.transports, r.backed_up])).toEqual([[3, ["internal"], null]]);

    // A credential belongs to one person; a challenge is unique, of a known purpose; a person's removal takes theirs.
    await expect(
      db().execute(sql`insert into passkeys (user_id, name, credential_id, public_key) values (${second!.id}, 'Copy', 'cred-1', '\\x01'::bytea)`),
    ).rejects.toMatchObject({ cause: { code: "23505" } });
    await expect(
      db().execute(sql`insert into webauthn_challenges (user_id, purpose, challenge, expires_at) values (${second!.id}, 'sign_in', 'chal-2', now())`),
    ).rejects.toMatchObject({ cause: { code: "23514" } });
    const counter = await db().execute<{ counter: number | string }>(
      sql`select column_default as counter from information_schema.columns where table_name = 'passkeys' and column_name = 'counter'`,
    );
    expect(String(counter.rows[0]!.counter)).toBe("0");
  });
});
