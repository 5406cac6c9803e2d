/**
 * For the specs that run production servers of their own beside the suite's one: a fresh PostgreSQL
 * database, prepared exactly as the suite's is (e2e/support/prepare.ts), and `node scripts/serve.mjs`
 * (or `scripts/start.mjs`) in production mode on a port of the spec's choosing, with everything it
 * prints kept for the spec to read.
 *
 * Nothing here is any one spec's: a spec picks its ports (from E2E_PORT, so parallel runs do not
 * collide), its environment and what it asserts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Fixtures } from "./fixtures";

/** Environment variables for a child process; `undefined` leaves one out. */
export type Env = Record<string, string | undefined>;

/**
 * A PostgreSQL URL whose role may create and drop databases. When the suite's own server runs as a
 * DML-only role (E2E_DATABASE_URL), the owner's URL (E2E_MIGRATION_DATABASE_URL) comes first; off
 * the suite, DATABASE_URL, then the local server's `postgres` role.
 */
export function postgresAdminUrl(): string {
  return (
    process.env.E2E_OUTAGE_POSTGRES_URL ??
    process.env.E2E_MIGRATION_DATABASE_URL ??
    process.env.E2E_DATABASE_URL ??
    process.env.DATABASE_URL ??
    "postgres://postgres@127.0.0.1:5432/postgres"
  );
}

export interface FreshDatabase {
  /** The new database's URL, as the admin role (which owns it). */
  url: string;
  /** Its name: `latchkey_<label>_<pid>_<random>`. */
  name: string;
  /** Drops it, closing whatever connections are still open to it. */
  drop(): Promise<void>;
}

async function asAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database on the server of `postgresAdminUrl()`, named after `label` (letters,
 * digits and underscores are kept), the process and a random suffix, so parallel workers and runs
 * never share one. Call `drop()` when done (afterAll).
 */
export async function freshPostgresDatabase(label: string): Promise<FreshDatabase> {
  const name = `latchkey_${label.toLowerCase().replace(/[^a-z0-9_]/g, "_")}_${process.pid}_${randomBytes(3).toString("hex")}`;
  await asAdmin(`create database "${name}"`);
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => asAdmin(`drop database if exists "${name}" with (force)`) };
}

/** A new empty folder under the system's temporary directory, for LATCHKEY_DATA_DIR and the like. */
export function temporaryFolder(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `latchkey-${label}-`));
}

/** Runs a Node script to its end; rejects with what it printed when it exits with anything but 0. */
function runNode(args: string[], env: Env, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code, signal) => (code === 0 ? resolve() : reject(new Error(`${what} failed (exit ${code ?? signal}):\n${output}`))));
  });
}

/**
 * Prepares a database as the suite's own server's is before it starts (e2e/support/prepare.ts):
 * migrations, the demo data (LATCHKEY_DEMO=1 unless `env` says otherwise), the people only the tests
 * need, the due keys and their reminders.
 *
 * `env` must name the database (DATABASE_URL); a fresh LATCHKEY_DATA_DIR is made when it names none.
 * With `fixtures` (the default), prepare.ts also makes the API keys with known secrets and the
 * operator's set-up link, and they are returned (the shape e2e/support/fixtures.ts reads); without,
 * null. The suite's own fixtures file (E2E_FIXTURES, inherited from the runner) is never written.
 */
export async function prepareDatabase(env: Env, { fixtures = true }: { fixtures?: boolean } = {}): Promise<Fixtures | null> {
  if (!env.DATABASE_URL) throw new Error("prepareDatabase: set DATABASE_URL to the database to prepare");
  const dataDir = env.LATCHKEY_DATA_DIR ?? temporaryFolder("prepare");
  const file = fixtures ? path.join(temporaryFolder("fixtures"), "e2e-fixtures.json") : "";
  await runNode(
    ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "e2e/support/prepare.ts"],
    { ...process.env, LATCHKEY_DEMO: "1", ...env, LATCHKEY_DATA_DIR: dataDir, E2E_FIXTURES: file },
    "e2e/support/prepare.ts",
  );
  return fixtures ? (JSON.parse(readFileSync(file, "utf8")) as Fixtures) : null;
}

export interface ExitResult {
  /** The exit code, or null when a signal ended the process. */
  code: number | null;
  /** The signal that ended it, or null when it exited by itself. */
  signal: NodeJS.Signals | null;
}

export interface RunningServer {
  /** `http://localhost:<port>`. */
  base: string;
  port: number;
  child: ChildProcess;
  /** Everything written to stdout so far (the per-request JSON log lines go here). */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** stdout and stderr together, in the order they arrived. */
  output(): string;
  /** stdout's lines so far, without empty ones. */
  lines(): string[];
  /** Whether the process has exited. */
  exited(): boolean;
  /**
   * Sends `signal` (SIGTERM by default) and resolves with how the process ended. If it is still
   * running `killAfterMs` later (a hang bound, 30 s by default), it is killed with SIGKILL and the
   * result says so. Resolves at once with the earlier result when the process has already exited.
   */
  stop(signal?: NodeJS.Signals, options?: { killAfterMs?: number }): Promise<ExitResult>;
}

export interface StartServerOptions {
  /** The port it listens on. */
  port: number;
  /**
   * Its environment, over the runner's own (process.env) and these defaults: NODE_ENV=production,
   * PORT, AUTH_TRUST_HOST=true, NEXT_TELEMETRY_DISABLED=1 and a random AUTH_SECRET. Instances meant
   * to share sessions need the same AUTH_SECRET passed here.
   */
  env: Env;
  /** `serve`: scripts/serve.mjs, the production server itself (default); `start`: scripts/start.mjs, as `npm start`. */
  script?: "serve" | "start";
  /** How long it may take to answer GET /sign-in with 200: a hang bound, 150 s by default. */
  readyWithinMs?: number;
}

const running = new Set<ChildProcess>();
// A worker that ends without its afterAll (a crash, an interrupted run) leaves no server behind.
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts a production server and resolves once `GET /sign-in` answers 200. Its output is captured
 * (see RunningServer); if it exits first, or is not ready within the bound, it is killed and this
 * rejects with everything it printed.
 */
export async function startServer({ port, env, script = "serve", readyWithinMs = 150_000 }: StartServerOptions): Promise<RunningServer> {
  const base = `http://localhost:${port}`;
  const child = spawn(process.execPath, [`scripts/${script}.mjs`], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      AUTH_TRUST_HOST: "true",
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
      PORT: String(port),
    } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let stdout = "";
  let stderr = "";
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    output += chunk.toString("utf8");
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
    output += chunk.toString("utf8");
  });
  let exit: ExitResult | null = null;
  const exited = new Promise<ExitResult>((resolve) => {
    child.on("exit", (code, signal) => {
      running.delete(child);
      exit = { code, signal };
      resolve(exit);
    });
  });

  const stop = async (signal: NodeJS.Signals = "SIGTERM", { killAfterMs = 30_000 } = {}): Promise<ExitResult> => {
    if (exit) return exit;
    child.kill(signal);
    const bound = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    try {
      return await exited;
    } finally {
      clearTimeout(bound);
    }
  };

  const server: RunningServer = {
    base,
    port,
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => output,
    lines: () => stdout.split("\n").filter((line) => line.trim() !== ""),
    exited: () => exit !== null,
    stop,
  };

  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (exit) throw new Error(`The server on port ${port} exited before it was ready (${JSON.stringify(exit)}):\n${output}`);
    const status = await fetch(`${base}/sign-in`, { signal: AbortSignal.timeout(10_000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return server;
    if (Date.now() > deadline) {
      await stop("SIGKILL");
      throw new Error(`The server on port ${port} did not answer GET /sign-in with 200 within ${readyWithinMs / 1000} s (last: ${status}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
