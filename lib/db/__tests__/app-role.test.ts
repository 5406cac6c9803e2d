import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { verifyAuditChains } from "@/lib/audit/verify-chain";
import { openDatabase, type Database, type DatabaseHandle } from "@/lib/db/client";
import { databaseReadiness } from "@/lib/db/readiness";
import { connectsAsOwner } from "@/lib/db/roles";
import { auditEvents } from "@/lib/db/schema";
import type { TestDatabase } from "@/lib/test/database";
import { db } from "@/lib/test/helpers";
import { appRoleStatements, dropAppRoleStatements } from "@/scripts/lib/app-role.mjs";

/**
 * The application's role (README: Database roles) can write its rows but cannot rewrite history: it
 * owns no table, so it can neither switch the audit log's append-only trigger off nor drop the table.
 * On PostgreSQL the test logs in as that role over its own connection, as the server does; on the
 * embedded PGlite, whose one connection is a superuser's, it becomes the role with SET ROLE — the
 * same privilege checks either way.
 */
const role = `latchkey_t_app_${process.pid}_${randomBytes(3).toString("hex")}`;
const password = randomBytes(12).toString("base64url");
const requestId = "00000000-0000-4000-8000-00000000a0d1";

interface AsApp {
  /** Runs one statement as the application's role: its SQL state when refused, null when it ran. */
  refusal(statement: string): Promise<string | null>;
  /** Runs `fn` with a database the application's role is connected to. */
  run<T>(fn: (db: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function sqlState(error: unknown): string {
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  throw error;
}

let app: AsApp;

beforeAll(async () => {
  for (const statement of appRoleStatements(role, password)) await db().execute(sql.raw(statement));
  const url = (globalThis.__latchkeyDatabase as TestDatabase).url;
  if (url) {
    const appUrl = new URL(url);
    appUrl.username = role;
    appUrl.password = password;
    const handle: DatabaseHandle = openDatabase({ url: appUrl.toString() });
    app = {
      refusal: (statement) => handle.db.execute(sql.raw(statement)).then(() => null, sqlState),
      run: (fn) => fn(handle.db),
      close: () => handle.close(),
    };
  } else {
    const asRole = async <T>(fn: () => Promise<T>) => {
      await db().execute(sql.raw(`set role ${role}`));
      try {
        return await fn();
      } finally {
        await db().execute(sql.raw("reset role"));
      }
    };
    app = {
      refusal: (statement) => asRole(() => db().execute(sql.raw(statement))).then(() => null, sqlState),
      run: (fn) => asRole(() => fn(db())),
      close: async () => {},
    };
  }
});

afterAll(async () => {
  await app?.close();
  for (const statement of dropAppRoleStatements(role)) await db().execute(sql.raw(statement));
  await db().execute(sql.raw(`drop role if exists ${role}`));
});

const INSUFFICIENT_PRIVILEGE = "42501";

describe("the application's database role (DML only)", () => {
  it("appends an audit row, and cannot switch the append-only trigger off, update, delete, truncate or drop the audit log", async () => {
    // It writes what the application writes: an audit row, through the application's own code,
    // linked into its chain by the chain trigger with no more than the role's DML.
    await app.run((appDb) => recordAuditEvent(appDb, { actorLabel: "app role test", action: "test.append", outcome: "success", requestId }));
    const [row] = await db().select().from(auditEvents).where(eq(auditEvents.action, "test.append"));
    expect(row?.actorLabel).toBe("app role test");
    expect(row?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyAuditChains(db(), { orgId: null })).toMatchObject({ verified: row!.chainSeq, broken: 0 });

    const refused = {
      disableTrigger: await app.refusal("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete"),
      disableAllTriggers: await app.refusal("ALTER TABLE audit_events DISABLE TRIGGER ALL"),
      disableChain: await app.refusal("ALTER TABLE audit_events DISABLE TRIGGER audit_events_chain"),
      dropTrigger: await app.refusal("DROP TRIGGER audit_events_no_update_or_delete ON audit_events"),
      replicaMode: await app.refusal("SET session_replication_role = replica"),
      update: await app.refusal(`UPDATE audit_events SET action = 'test.rewritten' WHERE id = ${row!.id}`),
      delete: await app.refusal(`DELETE FROM audit_events WHERE id = ${row!.id}`),
      truncate: await app.refusal("TRUNCATE audit_events"),
      takeOwnership: await app.refusal(`ALTER TABLE audit_events OWNER TO ${role}`),
      drop: await app.refusal("DROP TABLE audit_events"),
      createTable: await app.refusal("CREATE TABLE public.app_role_scratch (id int)"),
    };
    expect(refused).toEqual(Object.fromEntries(Object.keys(refused).map((k) => [k, INSUFFICIENT_PRIVILEGE])));

    // History is as it was written, and the trigger still stands.
    const [after] = await db().select().from(auditEvents).where(eq(auditEvents.id, row!.id));
    expect(after).toEqual(row);
    const triggers = await db().execute<{ tgname: string; tgenabled: string }>(
      sql`select tgname, tgenabled from pg_trigger where tgrelid = 'audit_events'::regclass and not tgisinternal order by tgname`,
    );
    expect(triggers.rows).toEqual([
      { tgname: "audit_events_chain", tgenabled: "O" },
      { tgname: "audit_events_no_truncate", tgenabled: "O" },
      { tgname: "audit_events_no_update_or_delete", tgenabled: "O" },
    ]);
  });

  it("reads and changes the application's other tables, sequences included", async () => {
    await app.run(async (appDb) => {
      await appDb.execute(sql`insert into rate_limits (bucket, window_started_at, hits) values ('app-role-test', now(), 1)`);
      await appDb.execute(sql`update rate_limits set hits = 2 where bucket = 'app-role-test'`);
      const read = await appDb.execute<{ hits: number }>(sql`select hits from rate_limits where bucket = 'app-role-test'`);
      expect(read.rows.map((r) => Number(r.hits))).toEqual([2]);
      await appDb.execute(sql`delete from rate_limits where bucket = 'app-role-test'`);
    });
  });

  it("is told apart from the owner, whose connection could rewrite history", async () => {
    expect(await connectsAsOwner(db())).toBe(true);
    expect(await app.run((appDb) => connectsAsOwner(appDb))).toBe(false);
  });

  it("may read which migrations are applied, for the readiness probe; a role made before the probe keeps its instance ready, unverified", async () => {
    expect(await app.run((appDb) => databaseReadiness(appDb))).toMatchObject({ ready: true, verified: true });
    await db().execute(sql.raw(`revoke select on applied_migrations from ${role}`));
    try {
      expect(await app.run((appDb) => databaseReadiness(appDb))).toEqual({ ready: true, verified: false });
    } finally {
      await db().execute(sql.raw(`grant select on applied_migrations to ${role}`));
    }
  });

  it("is created by exactly the statements the README shows", () => {
    const readme = readFileSync("README.md", "utf8");
    const block = /```sql\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("### Database roles")))?.[1] ?? "";
    const statements = block.split("\n").filter((line) => line.trim() && !line.startsWith("--"));
    expect(statements).toEqual(appRoleStatements("latchkey_app", "a-long-random-password"));
  });
});
