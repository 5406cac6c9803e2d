import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "@/lib/db/client";

/**
 * An empty database — not migrated — for a script run as a child process, as `npm start` runs it: a
 * new database on the PostgreSQL server of this test run's DATABASE_URL, or a new PGlite data folder.
 */
export interface FreshDatabase {
  driver: "pg" | "pglite";
  /** The data folder the script is given (LATCHKEY_DATA_DIR); on PGlite the database lives in it. */
  dataDir: string;
  /** The owner's connection string (PostgreSQL only). */
  url?: string;
  /** The environment a child process needs to use this database, plus `extra`. */
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  /** Opens the database in this process (after the child has exited: one process per PGlite folder). */
  use<T>(fn: (db: Database) => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

export async function freshDatabase(): Promise<FreshDatabase> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "latchkey-script-"));
  const base: NodeJS.ProcessEnv = { ...process.env, LATCHKEY_DATA_DIR: dataDir };
  for (const name of ["DATABASE_URL", "MIGRATION_DATABASE_URL", "LATCHKEY_PGLITE", "LATCHKEY_DEMO", "NODE_ENV", "AUTH_URL"]) delete base[name];
  const withExtra = (extra: Record<string, string | undefined> = {}) => {
    const env = { ...base, ...extra };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    return env;
  };

  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    return {
      driver: "pglite",
      dataDir,
      env: withExtra,
      async use(fn) {
        const handle = openDatabase({ pglite: path.join(dataDir, "pglite") });
        try {
          return await fn(handle.db);
        } finally {
          await handle.close();
        }
      },
      async dispose() {
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }

  const url = new URL(serverUrl);
  const name = `${url.pathname.slice(1) || "latchkey"}_s${process.pid}_${randomBytes(4).toString("hex")}`;
  await adminQuery(serverUrl, `create database "${name}"`);
  url.pathname = `/${name}`;
  const owner = url.toString();
  return {
    driver: "pg",
    dataDir,
    url: owner,
    env: (extra = {}) => withExtra({ DATABASE_URL: owner, ...extra }),
    async use(fn) {
      const handle = openDatabase({ url: owner });
      try {
        return await fn(handle.db);
      } finally {
        await handle.close();
      }
    },
    async dispose() {
      await adminQuery(serverUrl, `drop database if exists "${name}" with (force)`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(connectionString: string, statement: string) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Runs a TypeScript script as `npm run …` does (tsx, react-server conditions). */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), "--conditions=react-server", script, ...args], {
    env,
    encoding: "utf8",
  });
}
