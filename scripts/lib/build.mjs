// Shared by `npm start` and `npm test`: build the production bundle only when sources changed.
// Run directly (`node scripts/lib/build.mjs`) it builds unconditionally: the image's build stage does.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

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

const BUILD_ID = path.join(".next", "BUILD_ID");
const API_BUNDLE = path.join(".next", "latchkey-api", "entry.mjs");

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

/** When the production build (the portal's and the bank API's bundle) was made; 0 when either is missing. */
function builtAt() {
  return existsSync(BUILD_ID) && existsSync(API_BUNDLE) ? Math.min(statSync(BUILD_ID).mtimeMs, statSync(API_BUNDLE).mtimeMs) : 0;
}

/** `next build`, then the bank API's bundle. Needs the devDependencies (Tailwind, TypeScript, esbuild). */
export function build({ log = console.log } = {}) {
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

export function buildIfStale({ log = console.log } = {}) {
  const built = builtAt();
  const sources = Math.max(...SOURCES.map(newestMtime));
  if (built > sources) return;
  log(built ? "Sources changed since the last build: building…" : "Building the portal (first start only)…");
  build({ log });
}

/**
 * `npm start -- --prebuilt` (the container's start): serve the build that is there, whatever the
 * sources' dates, and never build — the image holds production dependencies only, so a build could not
 * run there. Without a build it stops at once, saying so.
 */
export function requireBuild() {
  if (!builtAt()) {
    throw new Error(`--prebuilt: there is no production build here (${BUILD_ID} and ${API_BUNDLE}); run \`node scripts/lib/build.mjs\` first.`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    build();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
