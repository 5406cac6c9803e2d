// Shared by `npm start` and `npm test`: build the production bundle only when sources changed.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const SOURCES = [
  "app",
  "components",
  "lib",
  "public",
  "next.config.ts",
  "package.json",
  "package-lock.json",
  "postcss.config.mjs",
  "tsconfig.json",
  "proxy.ts",
];

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

export function buildIfStale({ log = console.log } = {}) {
  const buildId = path.join(".next", "BUILD_ID");
  const apiBundle = path.join(".next", "latchkey-api", "entry.mjs");
  const built = existsSync(buildId) && existsSync(apiBundle) ? Math.min(statSync(buildId).mtimeMs, statSync(apiBundle).mtimeMs) : 0;
  const sources = Math.max(...SOURCES.map(newestMtime));
  if (built > sources) return;
  log(built ? "Sources changed since the last build: building…" : "Building the portal (first start only)…");
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
  const bundled = spawnSync(process.execPath, [path.join("scripts", "lib", "api-bundle.mjs")], { stdio: "inherit" });
  if (bundled.status !== 0) throw new Error("bundling the bank API failed");
  log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
