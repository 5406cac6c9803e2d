// `npm start`: prepares the database (migrations as the tables' owner; the demo data where it belongs —
// by default on the embedded database only, see lib/demo/policy.ts), builds when needed and serves the
// portal. `npm run dev` does the same with `next dev`. `--prebuilt` (the container's start) serves the
// build already there and never builds: see requireBuild in scripts/lib/build.mjs.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildIfStale, requireBuild } from "./lib/build.mjs";

const dev = process.argv.includes("--dev");
const prebuilt = process.argv.includes("--prebuilt");
if (prebuilt && !dev) {
  try {
    requireBuild();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
const dataDir = path.resolve(process.env.LATCHKEY_DATA_DIR ?? ".data");
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

// AUTH_SECRET from the environment, or generated once and kept in the data folder.
let authSecret = process.env.AUTH_SECRET;
if (!authSecret) {
  const file = path.join(dataDir, "auth-secret");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  authSecret = readFileSync(file, "utf8").trim();
}

const port = process.env.PORT ?? "3000";
const env = {
  ...process.env,
  LATCHKEY_DATA_DIR: dataDir,
  AUTH_SECRET: authSecret,
  AUTH_TRUST_HOST: "true",
  NEXT_TELEMETRY_DISABLED: "1",
  PORT: port,
  // The embedded demo runs on one machine: its webhooks may go to a receiver on localhost. On a real
  // PostgreSQL (production) private destinations stay refused unless the operator says otherwise.
  ...(process.env.DATABASE_URL ? {} : { LATCHKEY_WEBHOOKS_ALLOW_PRIVATE: process.env.LATCHKEY_WEBHOOKS_ALLOW_PRIVATE ?? "1" }),
};

const tsx = path.join("node_modules", "tsx", "dist", "cli.mjs");
const prepared = spawnSync(process.execPath, [tsx, "--conditions=react-server", "scripts/db.ts", "prepare"], { stdio: "inherit", env });
if (prepared.status !== 0) process.exit(prepared.status ?? 1);

if (!dev && !prebuilt) buildIfStale();

// Production: scripts/serve.mjs (the bank API on plain node:http, the portal through Next).
// Development: `next dev`, where app/api's route files serve the same handlers.
const next = path.join("node_modules", "next", "dist", "bin", "next");
const args = dev ? [next, "dev", "-p", port, ...(process.env.HOSTNAME_BIND ? ["-H", process.env.HOSTNAME_BIND] : [])] : ["scripts/serve.mjs"];
// The server connects with DATABASE_URL only: the owner's credentials stay with the preparation step.
const serverEnv = { ...env, NODE_ENV: dev ? "development" : "production" };
delete serverEnv.MIGRATION_DATABASE_URL;
const server = spawn(process.execPath, args, { stdio: "inherit", env: serverEnv });
console.log(`Latchkey is starting on http://localhost:${port} …`);
let forwarded = null;
for (const signal of ["SIGINT", "SIGTERM"])
  process.on(signal, () => {
    forwarded = signal;
    server.kill(signal);
  });
// The server's own exit code; killed by a signal this process did not pass on (the kernel's OOM
// killer, an abort), 128 + the signal's number, so a supervisor sees a failure, not a clean stop.
server.on("exit", (code, signal) => process.exit(code ?? (signal && signal === forwarded ? 0 : 128 + (os.constants.signals[signal] ?? 0))));
