import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { inArray, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { demoCredentialsFile } from "@/lib/demo/credentials-file";
import { DEMO_PASSWORD, DEMO_PEOPLE } from "@/lib/demo/people";
import type { SeededApplication } from "@/lib/demo/seed";
import { appRoleStatements, dropAppRoleStatements } from "../lib/app-role.mjs";
import { freshDatabase, runScript, type FreshDatabase } from "./support/fresh-database";

/**
 * `npm start` runs `scripts/db.ts prepare` before it serves. These tests run that script as a child
 * process on an empty database of this test run's kind: PostgreSQL in the PostgreSQL pass, the
 * embedded PGlite in the other — each pass proves its half of the rule.
 */
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

async function fresh(): Promise<FreshDatabase> {
  const database = await freshDatabase();
  cleanup.push(() => database.dispose());
  return database;
}

const prepare = (database: FreshDatabase, extra: Record<string, string | undefined> = {}) => runScript("scripts/db.ts", ["prepare"], database.env(extra));

const demoEmails = DEMO_PEOPLE.map((p) => p.email);
async function counts(db: Database) {
  const [all] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  const [demo] = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(inArray(users.email, demoEmails));
  return { users: all!.n, demoUsers: demo!.n };
}

function expectSignInsPrinted(output: string) {
  expect(output).toContain(`password for all: ${DEMO_PASSWORD}`);
  for (const person of DEMO_PEOPLE) expect(output).toMatch(new RegExp(`${person.email.replace(/\./g, "\\.")}\\s+PIN ${person.pin}`));
}

const TIMEOUT = 300_000;

describe("npm start's database preparation (scripts/db.ts prepare)", () => {
  let seeding: { output: string; file: string; database: FreshDatabase } | undefined;

  it(
    "on an empty database seeds the demo by default only when it is the embedded one — on PostgreSQL only with LATCHKEY_DEMO=1",
    async () => {
      const database = await fresh();
      const first = prepare(database);
      expect(first.stderr).toBe("");
      expect(first.status).toBe(0);
      expect(first.stdout).toMatch(/migrations applied/);
      if (database.driver === "pg") {
        // PostgreSQL: migrated, and not one demo person.
        expect(await database.use(counts)).toEqual({ users: 0, demoUsers: 0 });
        expect(first.stdout).toContain("Demo data: not seeded (PostgreSQL gets the demo only with LATCHKEY_DEMO=1).");
        expect(first.stdout).not.toContain(DEMO_PASSWORD);
        // The app connects as the owner here, and is told what that allows.
        expect(first.stdout).toContain("the app connects as the owner of its tables");
        const asked = prepare(database, { LATCHKEY_DEMO: "1" });
        expect(asked.status).toBe(0);
        expect(asked.stdout).toContain("Demo data seeded.");
        expect(await database.use(counts)).toEqual({ users: DEMO_PEOPLE.length, demoUsers: DEMO_PEOPLE.length });
        seeding = { output: asked.stdout + asked.stderr, file: demoCredentialsFile(database.dataDir, database.url), database };
      } else {
        // The embedded database: the demo, at once.
        expect(first.stdout).toContain("Demo data seeded.");
        expect(await database.use(counts)).toEqual({ users: DEMO_PEOPLE.length, demoUsers: DEMO_PEOPLE.length });
        seeding = { output: first.stdout + first.stderr, file: demoCredentialsFile(database.dataDir), database };
      }
    },
    TIMEOUT,
  );

  it(
    "prints the demo sign-ins and where the client secrets are kept (a file only its owner reads) — never a secret, when it seeds or finds the demo",
    async () => {
      expect(seeding, "the previous test seeds the demo").toBeDefined();
      const { output, file, database } = seeding!;
      const applications = JSON.parse(readFileSync(file, "utf8")) as SeededApplication[];
      expect(applications).toHaveLength(3);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      for (const app of applications) expect(output).not.toContain(app.clientSecret);
      expect(output).not.toMatch(/lkcs_/);
      expectSignInsPrinted(output);
      expect(output).toContain(`in ${file}, readable by this account only`);

      // A later start finds the demo: the same sign-ins and the same pointer, still no secret.
      const again = prepare(database, database.driver === "pg" ? { LATCHKEY_DEMO: "1" } : {});
      expect(again.status).toBe(0);
      expect(again.stdout).toContain("Demo data already present.");
      expectSignInsPrinted(again.stdout);
      expect(again.stdout).toContain(`in ${file}, readable by this account only`);
      expect(again.stdout + again.stderr).not.toMatch(/lkcs_/);
    },
    TIMEOUT,
  );

  it(
    "seeds nothing under NODE_ENV=production or with LATCHKEY_DEMO=0; LATCHKEY_DEMO=1 in production seeds with a loud warning",
    async () => {
      const database = await fresh();
      const off = prepare(database, { LATCHKEY_DEMO: "0" });
      expect(off.status).toBe(0);
      expect(off.stdout).toContain("Demo data: not seeded (LATCHKEY_DEMO=0).");
      expect(await database.use(counts)).toEqual({ users: 0, demoUsers: 0 });

      const production = prepare(database, { NODE_ENV: "production" });
      expect(production.status).toBe(0);
      expect(production.stdout).toContain("Demo data: not seeded (NODE_ENV=production; set LATCHKEY_DEMO=1 to seed it anyway).");
      expect(production.stdout).not.toContain(DEMO_PASSWORD);
      expect(await database.use(counts)).toEqual({ users: 0, demoUsers: 0 });

      const insisted = prepare(database, { NODE_ENV: "production", LATCHKEY_DEMO: "1" });
      expect(insisted.status).toBe(0);
      expect(insisted.stderr).toMatch(/WARNING: LATCHKEY_DEMO=1 with NODE_ENV=production/);
      expect(insisted.stdout).toContain("Demo data seeded.");
      expect(await database.use(counts)).toEqual({ users: DEMO_PEOPLE.length, demoUsers: DEMO_PEOPLE.length });

      // Present but not wanted: said out loud, and nothing more is written.
      const found = prepare(database, { NODE_ENV: "production" });
      expect(found.status).toBe(0);
      expect(found.stderr).toContain("WARNING: this database holds the demo people");
    },
    TIMEOUT,
  );

  it(
    "migrates as MIGRATION_DATABASE_URL's owner and seeds through DATABASE_URL's DML-only role; the embedded database refuses a MIGRATION_DATABASE_URL",
    async () => {
      const database = await fresh();
      if (database.driver === "pglite") {
        const refused = prepare(database, { MIGRATION_DATABASE_URL: "postgres://owner@127.0.0.1:5432/latchkey" });
        expect(refused.status).not.toBe(0);
        expect(refused.stderr).toContain("MIGRATION_DATABASE_URL: set DATABASE_URL too");
        return;
      }
      const role = `latchkey_t_app_${process.pid}_${randomBytes(3).toString("hex")}`;
      const password = randomBytes(12).toString("base64url");
      const owner = new pg.Client({ connectionString: database.url });
      await owner.connect();
      // Before the first migration: the default privileges cover every table the migrations create.
      for (const statement of appRoleStatements(role, password)) await owner.query(statement);
      await owner.end();
      cleanup.push(async () => {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        for (const statement of dropAppRoleStatements(role)) await client.query(statement);
        await client.query(`drop role if exists ${role}`);
        await client.end();
      });
      const appUrl = new URL(database.url!);
      appUrl.username = role;
      appUrl.password = password;

      const result = prepare(database, { DATABASE_URL: appUrl.toString(), MIGRATION_DATABASE_URL: database.url, LATCHKEY_DEMO: "1" });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("migrations applied as the owner (MIGRATION_DATABASE_URL)");
      expect(result.stdout).toContain("Demo data seeded.");
      expect(result.stdout).not.toContain("the app connects as the owner");
      const owners = await database.use(async (db) =>
        (await db.execute<{ owner: string }>(sql`select distinct tableowner as owner from pg_tables where schemaname = 'public'`)).rows.map((r) => r.owner),
      );
      expect(owners).toEqual([new URL(database.url!).username || "postgres"]);
      expect(await database.use(counts)).toEqual({ users: DEMO_PEOPLE.length, demoUsers: DEMO_PEOPLE.length });
    },
    TIMEOUT,
  );
});
