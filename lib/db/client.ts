import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { drizzle as drizzlePg, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { env } from "@/lib/env";
import * as schema from "./schema";

/** Both drivers expose the same query builder; the node-postgres type stands for both. */
export type Database = NodePgDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything that can run a query: the database or an open transaction. */
export type Executor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  driver: "pglite" | "pg";
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** The PostgreSQL pool's connections, for the metrics; null on the embedded database. */
  stats(): { total: number; idle: number; waiting: number; max: number } | null;
}

export interface DatabaseLocation {
  /** A PostgreSQL connection string. Takes precedence over `pglite`. */
  url?: string;
  /** `memory://` or a folder for the embedded database. */
  pglite?: string;
}

declare global {
  var __latchkeyQueries: number | undefined;
}

/** How many queries this process has sent (counted only when LATCHKEY_BENCH=1). */
export function queryCount(): number {
  return globalThis.__latchkeyQueries ?? 0;
}

/** Counts each call of `method` on `target`, for the benchmark's malformed-key flood. */
function countCalls(target: object, method: string) {
  const original = (target as Record<string, (...args: unknown[]) => unknown>)[method]!;
  (target as Record<string, unknown>)[method] = function counted(this: unknown, ...args: unknown[]) {
    globalThis.__latchkeyQueries = (globalThis.__latchkeyQueries ?? 0) + 1;
    return original.apply(this, args);
  };
}

const counting = env.LATCHKEY_BENCH === "1";

/**
 * Marks a database whose every write passes through this process: the embedded one, which a single
 * process owns. Symbol.for, because the API bundle and Next's server bundle share one client object
 * but not their module instances.
 */
const EMBEDDED = Symbol.for("latchkey.database.embedded");

/** Whether `db` is the embedded database, which no other process can write to. */
export function isEmbedded(db: object): boolean {
  return (db as Record<symbol, unknown>)[EMBEDDED] === true;
}

const migrationsFolder = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "drizzle");

export function openDatabase(location: DatabaseLocation): DatabaseHandle {
  if (location.url) {
    const max = 10;
    const pool = new pg.Pool({ connectionString: location.url, max });
    // An idle client losing its connection must not crash the process.
    pool.on("error", () => {});
    if (counting) countCalls(pool, "query");
    const db = drizzlePg({ client: pool, schema, casing: "snake_case" });
    return {
      db,
      driver: "pg",
      migrate: () => migratePg(db, { migrationsFolder }),
      close: () => pool.end(),
      stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }),
    };
  }
  const dataDir = location.pglite ?? "memory://";
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  // pg_trgm: the key search's trigram indexes (migration 0012), as PostgreSQL's contrib gives them.
  const client = new PGlite(dataDir, { extensions: { pg_trgm } });
  if (counting) {
    countCalls(client, "query");
    countCalls(client, "exec");
  }
  const db = drizzlePglite({ client, schema, casing: "snake_case" }) as unknown as Database;
  (db as unknown as Record<symbol, unknown>)[EMBEDDED] = true;
  return {
    db,
    driver: "pglite",
    migrate: () => migratePglite(db as never, { migrationsFolder }),
    close: () => client.close(),
    stats: () => null,
  };
}

/** The advisory lock key the migrations are applied under ("latchkey" in ASCII, as a 64-bit number). */
const MIGRATION_LOCK = "7809651199139603833";

/**
 * Applies the migrations to the PostgreSQL database at `url` on one connection that first takes an
 * advisory lock, so that instances starting together migrate one after another: the first applies
 * what is missing, the others then find nothing left to apply. The lock ends with the connection.
 */
export async function migrateUnderLock(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  // A connection lost mid-way fails the query in progress; it must not also crash the process.
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await migratePg(drizzlePg({ client, schema, casing: "snake_case" }), { migrationsFolder });
  } finally {
    await client.end().catch(() => {});
  }
}
