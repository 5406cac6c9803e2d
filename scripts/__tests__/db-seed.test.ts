import { existsSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/lib/db/schema";
import { demoCredentialsFile } from "@/lib/demo/credentials-file";
import { DEMO_PEOPLE } from "@/lib/demo/people";
import { freshDatabase, runScript, type FreshDatabase } from "./support/fresh-database";

let database: FreshDatabase;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(() => database.dispose());

const userCount = () => database.use(async (db) => (await db.select({ n: sql<number>`count(*)::int` }).from(users))[0]!.n);

describe("npm run db:seed", () => {
  it("refuses under NODE_ENV=production without LATCHKEY_DEMO=1: non-zero exit, nothing seeded", async () => {
    const result = runScript("scripts/db.ts", ["seed"], database.env({ NODE_ENV: "production" }));
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("Demo data: not seeded (NODE_ENV=production; set LATCHKEY_DEMO=1 to seed it anyway).");
    expect(await userCount()).toBe(0);
  }, 300_000);

  it("seeds when asked for by name, on PostgreSQL too, making a data folder that does not exist yet", async () => {
    // The folder for the client secrets; on PGlite the database stays in the fresh one.
    const dataDir = path.join(database.dataDir, "not", "there", "yet");
    const env = database.env(
      database.driver === "pglite" ? { LATCHKEY_DATA_DIR: dataDir, LATCHKEY_PGLITE: path.join(database.dataDir, "pglite") } : { LATCHKEY_DATA_DIR: dataDir },
    );
    const result = runScript("scripts/db.ts", ["seed"], env);
    expect(result.stderr).not.toMatch(/ENOENT/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Demo data seeded.");
    expect(existsSync(demoCredentialsFile(dataDir, database.url))).toBe(true);
    expect(await userCount()).toBe(DEMO_PEOPLE.length);
  }, 300_000);
});
