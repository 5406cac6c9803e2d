import { afterAll, beforeAll } from "vitest";
import { createTestDatabase, type TestDatabase } from "./database";

// Every test file gets its own migrated database, installed as the process's database so that
// code calling getDb() uses it too.
let database: TestDatabase | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  globalThis.__latchkeyDatabase = database;
});

afterAll(async () => {
  globalThis.__latchkeyDatabase = undefined;
  await database?.dispose();
});
