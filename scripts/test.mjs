// `npm test`: the whole suite. Unit tests (Vitest, on in-memory PGlite or on the PostgreSQL server of
// DATABASE_URL), then end-to-end tests (Playwright in Chromium against the production build, on a
// fresh database). Prints one closing line: "N passed, N failed".
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { appRoleStatements } from "./lib/app-role.mjs";
import { buildIfStale } from "./lib/build.mjs";

const log = (message) => console.log(`\n[test] ${message}`);
const work = mkdtempSync(path.join(os.tmpdir(), "latchkey-test-"));
const bin = (pkg, file) => path.join("node_modules", pkg, file);
const tsx = bin("tsx", path.join("dist", "cli.mjs"));

async function findChromium() {
  if (process.env.CHROMIUM_PATH) {
    if (existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
    throw new Error(`CHROMIUM_PATH is set to ${process.env.CHROMIUM_PATH}, which does not exist.`);
  }
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  try {
    const { chromium } = await import("@playwright/test");
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // no Playwright browser
  }
  return null;
}

async function ensureChromium() {
  let found = await findChromium();
  if (found) return found;
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    log("No Chromium found: installing Debian's chromium package with apt-get (browser downloads are not needed)…");
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } else {
    log("No Chromium found: downloading Playwright's own Chromium (npx playwright install chromium)…");
    spawnSync(process.execPath, [bin("@playwright/test", "cli.js"), "install", "chromium"], { stdio: "inherit" });
  }
  found = await findChromium();
  if (!found) {
    throw new Error(
      "No Chromium could be found or installed. Install Debian's `chromium` package, run `npx playwright install chromium`, or set CHROMIUM_PATH.",
    );
  }
  return found;
}

/**
 * A fresh database for the end-to-end server: a PGlite folder, or a new database on DATABASE_URL's
 * server. On PostgreSQL the server runs as production does: migrated as the owner (DATABASE_URL's
 * role), then served through a role of its own with DML only (README: Database roles), made for this
 * run and dropped with the database.
 */
async function e2eDatabase() {
  if (!process.env.DATABASE_URL) {
    const dir = path.join(work, "e2e-data");
    return { env: { E2E_DATA_DIR: dir }, where: `PGlite in ${dir}`, drop: async () => {} };
  }
  const url = new URL(process.env.DATABASE_URL);
  const name = `${url.pathname.slice(1) || "latchkey"}_e2e_${process.pid}`;
  const role = `latchkey_e2e_app_${process.pid}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`drop database if exists "${name}"`);
  await admin.query(`create database "${name}"`);
  await admin.end();
  url.pathname = `/${name}`;
  const ownerUrl = url.toString();
  const drop = async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`drop role if exists ${role}`);
    await client.end();
  };
  try {
    const migrated = run("Migrating the end-to-end database as its owner", tsx, ["--conditions=react-server", "scripts/db.ts", "migrate"], {
      DATABASE_URL: ownerUrl,
      MIGRATION_DATABASE_URL: ownerUrl,
    });
    if (migrated !== 0) throw new Error("The end-to-end database could not be migrated.");
    const password = randomBytes(18).toString("base64url");
    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    for (const statement of appRoleStatements(role, password)) await owner.query(statement);
    await owner.end();
    const appUrl = new URL(ownerUrl);
    appUrl.username = role;
    appUrl.password = password;
    return {
      env: { E2E_DATABASE_URL: appUrl.toString(), E2E_MIGRATION_DATABASE_URL: ownerUrl, E2E_DATA_DIR: path.join(work, "e2e-data") },
      where: `PostgreSQL database ${name}, served as role ${role} (DML only)`,
      drop,
    };
  } catch (error) {
    await drop();
    throw error;
  }
}

function run(label, command, args, env) {
  log(label);
  const result = spawnSync(process.execPath, [command, ...args], { stdio: "inherit", env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

/** The end-to-end tests that failed, as `file:line › title`, from Playwright's JSON report: named at the end of the output, where a CI log's tail shows them. */
function failedSpecs(report) {
  const titles = [];
  const walk = (suite, path) => {
    for (const spec of suite.specs ?? []) if (!spec.ok) titles.push(`${spec.file}:${spec.line} › ${[...path, spec.title].join(" › ")}`);
    for (const child of suite.suites ?? []) walk(child, child.title && !child.title.endsWith(".ts") ? [...path, child.title] : path);
  };
  for (const suite of report?.suites ?? []) walk(suite, []);
  return titles;
}

/** The unit tests that failed, from Vitest's JSON report. */
function failedUnitTests(unit) {
  return (unit.testResults ?? []).flatMap((file) =>
    (file.assertionResults ?? []).filter((t) => t.status === "failed").map((t) => `${path.relative(process.cwd(), file.name)} › ${t.fullName}`),
  );
}

async function main() {
  const database = `${process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : "in-memory PGlite"}${process.env.REDIS_URL ? " + Redis" : ""}`;
  const chromium = await ensureChromium();
  log(`Chromium: ${chromium}`);

  // Static checks first: types, then Biome's lint, format and import rules. Each failing one counts as a failure.
  const staticChecks = [
    ["Type check (tsc)", bin("typescript", path.join("bin", "tsc")), ["--noEmit"]],
    ["Lint and format (Biome)", bin("@biomejs/biome", path.join("bin", "biome")), ["ci", "--reporter=summary", "."]],
  ];
  const staticFailed = staticChecks.filter(([label, command, args]) => run(label, command, args) !== 0).length;

  const vitestJson = path.join(work, "vitest.json");
  const unitStatus = run(`Unit tests (Vitest) on ${database}`, bin("vitest", "vitest.mjs"), ["run"], { LATCHKEY_VITEST_JSON: vitestJson });
  const unit = readJson(vitestJson);

  log("Production build for the end-to-end tests");
  buildIfStale({ log: (m) => console.log(m) });

  const e2eDb = await e2eDatabase();
  const playwrightJson = path.join(work, "playwright.json");
  let e2eStatus;
  try {
    e2eStatus = run(`End-to-end tests (Playwright) on ${e2eDb.where}`, bin("@playwright/test", "cli.js"), ["test"], {
      ...e2eDb.env,
      CHROMIUM_PATH: chromium,
      LATCHKEY_PLAYWRIGHT_JSON: playwrightJson,
    });
  } finally {
    await e2eDb.drop();
  }
  const serverLog = path.join(e2eDb.env.E2E_DATA_DIR, "server.log");
  if (e2eStatus !== 0 && existsSync(serverLog)) {
    log("The end-to-end server's last lines:");
    console.log(readFileSync(serverLog, "utf8").split("\n").slice(-60).join("\n"));
  }
  const report = readJson(playwrightJson);
  const e2e = report?.stats;
  const failedTitles = failedSpecs(report);

  const counts = {
    unitPassed: unit?.numPassedTests ?? 0,
    unitFailed: unit ? unit.numFailedTests : 1,
    unitSkipped: (unit?.numPendingTests ?? 0) + (unit?.numTodoTests ?? 0),
    e2ePassed: e2e ? e2e.expected + e2e.flaky : 0,
    e2eFailed: e2e ? e2e.unexpected : 1,
    e2eSkipped: e2e?.skipped ?? 0,
  };
  const passed = counts.unitPassed + counts.e2ePassed + (staticChecks.length - staticFailed);
  const failed = counts.unitFailed + counts.e2eFailed + staticFailed;
  const skipped = counts.unitSkipped + counts.e2eSkipped;
  for (const title of [...(unit ? failedUnitTests(unit) : []), ...failedTitles]) console.log(`[test] failed: ${title}`);
  console.log(`\nstatic checks (tsc, Biome): ${staticChecks.length - staticFailed} passed, ${staticFailed} failed`);
  console.log(`unit (${database}): ${counts.unitPassed} passed, ${counts.unitFailed} failed`);
  console.log(`end-to-end (${e2eDb.where}): ${counts.e2ePassed} passed, ${counts.e2eFailed} failed`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  if (process.env.LATCHKEY_TEST_SUMMARY) appendFileSync(process.env.LATCHKEY_TEST_SUMMARY, `${JSON.stringify({ database, passed, failed, skipped })}\n`);

  rmSync(work, { recursive: true, force: true });
  const ok = unitStatus === 0 && e2eStatus === 0 && failed === 0 && passed > 0 && skipped === 0;
  if (!ok && skipped) console.error("[test] Skipped tests are not allowed: every test must run.");
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(`\n[test] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
