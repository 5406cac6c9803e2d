import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const scratch = mkdtempSync(path.join(os.tmpdir(), "latchkey-seed-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("npm run db:seed", () => {
  it("makes a data folder that does not exist yet, on this test run's database", () => {
    const dataDir = path.join(scratch, "not", "there", "yet");
    // On PostgreSQL: this file's fresh database; on the embedded one, a folder inside the new data folder.
    const url = (globalThis.__latchkeyDatabase as { url?: string } | undefined)?.url;
    const env: NodeJS.ProcessEnv = { ...process.env, LATCHKEY_DATA_DIR: dataDir, NODE_ENV: "production" };
    delete env.LATCHKEY_PGLITE;
    if (url) env.DATABASE_URL = url;
    else delete env.DATABASE_URL;
    const result = spawnSync(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), "--conditions=react-server", "scripts/db.ts", "seed"], { env, encoding: "utf8" });
    expect(result.stderr).not.toMatch(/ENOENT/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Demo data seeded.");
    expect(existsSync(path.join(dataDir, "demo-applications.json"))).toBe(true);
  }, 120_000);
});
