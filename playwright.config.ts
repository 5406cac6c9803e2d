import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { E2E_PARTNER_KEY_ID, E2E_PARTNER_PUBLIC_KEY_PEM } from "./e2e/support/secret-scanning-test-key";

/**
 * End-to-end tests against the production build. `npm test` passes a fresh database in
 * E2E_DATA_DIR (PGlite) or E2E_DATABASE_URL (PostgreSQL; the server's role, with DML only) and
 * E2E_MIGRATION_DATABASE_URL (the owner, for migrations); run directly, a temporary PGlite folder.
 */
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;

function chromiumExecutable(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  return undefined; // Playwright's own browser
}

// The config is evaluated in every worker too; only the main process starts the server.
const dataDir = process.env.E2E_DATA_DIR ?? (process.env.TEST_WORKER_INDEX ? "" : mkdtempSync(path.join(os.tmpdir(), "latchkey-e2e-")));
const serverEnv: Record<string, string> = {
  PORT: String(port),
  LATCHKEY_DATA_DIR: dataDir,
  NEXT_TELEMETRY_DISABLED: "1",
  // Low enough that a test burst reaches it.
  LATCHKEY_API_RATE_LIMIT: "300",
  // Usage counts written every second, so a key page shows calls made a moment before.
  LATCHKEY_USAGE_FLUSH_SECONDS: "1",
  // The tests sign in as the demo people, on PostgreSQL too (where it is never seeded by default).
  LATCHKEY_DEMO: "1",
  LATCHKEY_SECRET_SCANNING_KEYS: JSON.stringify({ [E2E_PARTNER_KEY_ID]: E2E_PARTNER_PUBLIC_KEY_PEM }),
  // Webhook endpoints on loopback and over http, as the tests' receivers are.
  LATCHKEY_WEBHOOKS_ALLOW_PRIVATE: "1",
};
if (process.env.E2E_DATABASE_URL) serverEnv.DATABASE_URL = process.env.E2E_DATABASE_URL;
if (process.env.E2E_DATABASE_URL && process.env.E2E_MIGRATION_DATABASE_URL) serverEnv.MIGRATION_DATABASE_URL = process.env.E2E_MIGRATION_DATABASE_URL;
// Everything the server prints, so tests can prove no secret ever reaches a log line.
if (!process.env.TEST_WORKER_INDEX) {
  mkdirSync(dataDir, { recursive: true });
  process.env.E2E_SERVER_LOG ??= path.join(dataDir, "server.log");
  process.env.E2E_FIXTURES ??= path.join(dataDir, "e2e-fixtures.json");
}

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Hang detectors, not speed targets (those are in `npm run bench`): the longest journeys (create,
  // copy, renew, regenerate and delete a key; three browsers signing each other out) take 30–45 s
  // with two workers on two cores.
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: process.env.LATCHKEY_PLAYWRIGHT_JSON ? [["list"], ["json", { outputFile: process.env.LATCHKEY_PLAYWRIGHT_JSON }]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    },
  },
  // Administration, onboarding and maker-checker change what the other tests rely on (Pending Ventures' approval,
  // Acme's members, roles, client secret and its maker-checker setting), so they run after them.
  projects: [
    {
      name: "portal",
      testIgnore: /(administration|onboarding|maker-checker)\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], viewport: { width: 1360, height: 860 } },
    },
    {
      name: "administration",
      testMatch: /(administration|onboarding|maker-checker)\.spec\.ts/,
      dependencies: ["portal"],
      use: { ...devices["Desktop Chrome"], viewport: { width: 1360, height: 860 } },
    },
  ],
  webServer: {
    command: `node node_modules/tsx/dist/cli.mjs --conditions=react-server e2e/support/prepare.ts && node scripts/start.mjs > "${process.env.E2E_SERVER_LOG}" 2>&1`,
    url: `${baseURL}/sign-in`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: serverEnv,
  },
});
