import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { shippedMigrations } from "@/lib/db/readiness";

/**
 * Instances that start together each run the migrations (`npm start`'s preparation) against one
 * PostgreSQL database: they must take turns, not fail on each other's half-made tables. PostgreSQL
 * is on every machine that runs the suite, so this runs in both passes.
 */
const admin = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const name = `latchkey_migrate_${process.pid}_${randomBytes(3).toString("hex")}`;

async function asAdmin(statement: string) {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    return await client.query(statement);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await asAdmin(`drop database if exists "${name}" with (force)`);
});

function migrate(url: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, LATCHKEY_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "latchkey-migrate-")) };
    delete env.MIGRATION_DATABASE_URL;
    const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/db.ts", "migrate"], { env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("migrations started by several instances at once", () => {
  it("wait for one another, are applied once, and every instance starts", async () => {
    await asAdmin(`create database "${name}"`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const holder = new pg.Client({ connectionString: url.toString() });
    await holder.connect();
    try {
      // Another instance is migrating: the test holds the lock the migrations are applied under.
      await holder.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
      const runs = Array.from({ length: 4 }, () => migrate(url.toString()));
      const waiting = async () =>
        (
          await holder.query<{ n: number }>(
            "select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())",
          )
        ).rows[0]!.n;
      // All four wait for it, rather than racing one another into half-made tables.
      await until(async () => (await waiting()) === 4, 60_000);
      const [tables] = (await holder.query<{ n: number }>("select count(*)::int as n from pg_tables where schemaname = 'public'")).rows;
      expect(tables!.n).toBe(0);
      await holder.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
      for (const run of await Promise.all(runs)) expect(run.code, run.output).toBe(0);
      const applied = await holder.query<{ n: number }>("select count(*)::int as n from drizzle.__drizzle_migrations");
      expect(applied.rows[0]!.n).toBe(shippedMigrations().length);
    } finally {
      await holder.end();
    }
  }, 120_000);
});

/** "latchkey" in ASCII as a 64-bit number: the key lib/db/client.ts migrates under. */
const MIGRATION_LOCK = "7809651199139603833";

async function until(condition: () => Promise<boolean>, withinMs: number) {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
