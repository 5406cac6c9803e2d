import "server-only";
import { env, pgliteLocation } from "@/lib/env";
import pg from "pg";
import { openDatabase, type Database, type DatabaseHandle } from "./client";

export type { Database, Executor, Transaction } from "./client";
export * as tables from "./schema";

declare global {
  // One database client per process: Next loads modules more than once (route handlers,
  // pages, reloads), and two PGlite instances on one folder lose writes.
  var __latchkeyDatabase: DatabaseHandle | undefined;
}

export function databaseHandle(): DatabaseHandle {
  globalThis.__latchkeyDatabase ??= openDatabase({ url: env.DATABASE_URL, pglite: pgliteLocation() });
  return globalThis.__latchkeyDatabase;
}

/** The process's database. Tests install their own handle before the first call. */
export function getDb(): Database {
  return databaseHandle().db;
}

/**
 * Applies the migrations as the tables' owner: MIGRATION_DATABASE_URL when it names another role
 * than DATABASE_URL (the application's, with DML only), else the process's own connection. Only the
 * preparation step calls this; the server never migrates and never holds the owner's credentials.
 *
 * On PostgreSQL it holds an advisory lock meanwhile, so instances starting together migrate one
 * after another: the first applies what is missing, the others then find nothing left to apply.
 */
export async function migrateDatabase(): Promise<void> {
  const ownerUrl = env.MIGRATION_DATABASE_URL;
  if (!env.DATABASE_URL) return databaseHandle().migrate();
  const url = ownerUrl ?? env.DATABASE_URL;
  const own = url === env.DATABASE_URL;
  const owner = own ? databaseHandle() : openDatabase({ url });
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await owner.migrate();
  } finally {
    await lock.end().catch(() => {});
    if (!own) await owner.close();
  }
}

/** The advisory lock key the migrations are applied under ("latchkey" in ASCII, as a 64-bit number). */
const MIGRATION_LOCK = "7809651199139603833";
