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
  it("are applied once, one instance after another, and every instance starts", async () => {
    await asAdmin(`create database "${name}"`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const runs = await Promise.all(Array.from({ length: 4 }, () => migrate(url.toString())));
    for (const run of runs) expect(run.code, run.output).toBe(0);
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const applied = await client.query<{ n: number }>("select count(*)::int as n from drizzle.__drizzle_migrations");
      expect(applied.rows[0]!.n).toBe(shippedMigrations().length);
      const tables = await client.query<{ n: number }>("select count(*)::int as n from pg_tables where schemaname = 'public' and tablename = 'api_keys'");
      expect(tables.rows[0]!.n).toBe(1);
    } finally {
      await client.end();
    }
  }, 120_000);
});
