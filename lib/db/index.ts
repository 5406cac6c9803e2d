import "server-only";
import { env, pgliteLocation } from "@/lib/env";
import { migrateUnderLock, openDatabase, type Database, type DatabaseHandle } from "./client";

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
 * On PostgreSQL it migrates under an advisory lock (migrateUnderLock), so instances starting
 * together migrate one after another.
 */
export async function migrateDatabase(): Promise<void> {
  if (!env.DATABASE_URL) return databaseHandle().migrate();
  await migrateUnderLock(env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL);
}
