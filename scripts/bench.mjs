// `npm run bench`: builds and starts the production server, then measures GET /api/v1/accounts with a
// valid key against the same handler with key verification bypassed, and counts the database queries
// a flood of malformed keys causes. The bypass and the query count are the benchmark's own routes
// (lib/api/bench.ts): LATCHKEY_BENCH=1 asks the server to register them; no other server has them.
// Runs on the embedded database, or on PostgreSQL (a fresh database) when DATABASE_URL is set.
// Before the server starts, the webhook section (scripts/bench-webhooks.ts) has two job runners deliver
// 1,000 events to a loopback receiver and prints deliveries per second and the p99 delay from commit.
// BENCH_SCENARIOS (comma-separated: verified, bypassed, malformed, portal, webhooks; all by default) runs only
// those; BENCH_CPU_PROF=dir has the server write a CPU profile of the run into dir (read it with
// scripts/cpu-profile-top.mjs).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import pg from "pg";
import { buildIfStale } from "./lib/build.mjs";

const DURATION = Number(process.env.BENCH_SECONDS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PORT = Number(process.env.BENCH_PORT ?? 3300);
// Each scenario's warm-up. The first seconds after the database is prepared are slower on this
// machine whatever runs in them (the first measured round fell to a third of the others' speed), so
// the warm-up covers them rather than the first round of whichever scenario comes first.
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 6);
const base = `http://127.0.0.1:${PORT}`;
const SCENARIOS = new Set((process.env.BENCH_SCENARIOS ?? "verified,bypassed,malformed,portal,webhooks").split(",").map((s) => s.trim()));
if (process.env.BENCH_PORTAL === "0") SCENARIOS.delete("portal");
const CPU_PROF = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
// Production's observability stays on while measuring: a JSON log line per request and the metrics.
const METRICS_TOKEN = `bench-${Math.random().toString(36).slice(2)}-metrics`;
const work = mkdtempSync(path.join(os.tmpdir(), "latchkey-bench-"));

async function freshDatabase() {
  if (!process.env.DATABASE_URL) return { env: {}, where: "embedded PGlite", drop: async () => {} };
  const url = new URL(process.env.DATABASE_URL);
  const name = `${url.pathname.slice(1) || "latchkey"}_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    where: `PostgreSQL (${name})`,
    drop: async () => {
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}

function load(title, url, headers, seconds = DURATION, connections = CONNECTIONS) {
  return new Promise((resolve, reject) => {
    autocannon({ title, url, headers, connections, duration: seconds }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function waitForServer() {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/sign-in`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the server did not start");
}

const summary = (r) => ({
  rps: Math.round(r.requests.average),
  p50: r.latency.p50,
  p99: r.latency.p99,
  errors: r.errors + r.timeouts + (r.non2xx ?? 0),
  total: r.requests.total,
});

/** Rounds of one scenario as one: requests/s over all of them, the median p50, the worst p99. */
function combine(rounds, seconds) {
  const total = rounds.reduce((sum, r) => sum + r.total, 0);
  const p50s = rounds.map((r) => r.p50).sort((a, b) => a - b);
  return {
    rps: Math.round(total / seconds),
    p50: p50s[Math.floor(p50s.length / 2)],
    p99: Math.max(...rounds.map((r) => r.p99)),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    total,
  };
}

async function main() {
  buildIfStale();
  const database = await freshDatabase();
  const env = {
    ...process.env,
    ...database.env,
    LATCHKEY_DATA_DIR: path.join(work, "data"),
    LATCHKEY_BENCH: "1",
    // The bench seeds the demo organisations on purpose, on PostgreSQL too.
    LATCHKEY_DEMO: "1",
    LATCHKEY_API_RATE_LIMIT: "1000000000",
    LATCHKEY_API_IP_RATE_LIMIT: "1000000000",
    LATCHKEY_JOBS_INTERVAL_SECONDS: "0",
    // The usage counts' minute flush would otherwise land in the malformed-key flood's count
    // (a write of the valid calls before it, not a query the flood caused).
    LATCHKEY_USAGE_FLUSH_SECONDS: "3600",
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
    METRICS_TOKEN,
    // Known to the benchmark, so that it can seal the portal's session cookies as the server would.
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    PORT: String(PORT),
    HOSTNAME_BIND: "127.0.0.1",
    ...(CPU_PROF ? { LATCHKEY_CPU_PROF: CPU_PROF } : {}),
  };
  const keyFile = path.join(work, "key.json");
  const tsx = path.join("node_modules", "tsx", "dist", "cli.mjs");
  const prepared = spawnSync(process.execPath, [tsx, "--conditions=react-server", "scripts/bench-prepare.ts", keyFile], { stdio: "inherit", env });
  if (prepared.status !== 0) throw new Error("could not prepare the benchmark database");
  const { key, keyId, portal } = JSON.parse(readFileSync(keyFile, "utf8"));

  if (SCENARIOS.has("webhooks")) {
    // On the prepared database, before the server opens it (the embedded one admits one process).
    const webhooks = spawnSync(process.execPath, [tsx, "--conditions=react-server", "scripts/bench-webhooks.ts"], {
      stdio: "inherit",
      env: { ...env, LOG_LEVEL: "warn", LATCHKEY_WEBHOOKS_ALLOW_PRIVATE: "1" },
    });
    if (webhooks.status !== 0) throw new Error("the webhook benchmark failed: an event was missing or delivered twice at once");
  }

  // The server's log lines are written (to /dev/null), as a production server writes them to its collector.
  const server = spawn(process.execPath, ["scripts/start.mjs"], { env, stdio: ["ignore", "ignore", "inherit"] });
  try {
    await waitForServer();
    console.log(
      `\nBenchmark on ${database.where}: ${CONNECTIONS} connections, ${DURATION} s each in ${ROUNDS} alternating rounds, ${os.cpus().length} cores; JSON request logs (LOG_LEVEL=info) and metrics on\n`,
    );
    const scenarios = [
      ["verified", `${base}/api/v1/accounts`, { "x-api-key": key }],
      ["bypassed", `${base}/api/bench/accounts-unverified?keyId=${keyId}`, {}],
    ].filter(([name]) => SCENARIOS.has(name));
    for (const [, url, headers] of scenarios) await load("warm-up", url, headers, WARMUP);

    // The two routes must answer the same, or the comparison means nothing.
    const viaKey = await (await fetch(`${base}/api/v1/accounts`, { headers: { "x-api-key": key } })).text();
    const viaBypass = await (await fetch(`${base}/api/bench/accounts-unverified?keyId=${keyId}`)).text();
    if (viaKey !== viaBypass || !JSON.parse(viaKey).accounts?.length) throw new Error(`the bypass route answers differently:\n${viaKey}\n${viaBypass}`);

    const queries = async () => (await (await fetch(`${base}/api/bench/stats`)).json()).queries;
    // The two scenarios take turns, ROUNDS times each, so that the machine's drift (these cores are
    // shared) weighs on both alike; each gets DURATION seconds in all.
    const slice = DURATION / ROUNDS;
    const rounds = { verified: [], bypassed: [] };
    const counted = { verified: 0, bypassed: 0 };
    for (let round = 0; round < ROUNDS && scenarios.length; round++) {
      for (const [name, url, headers] of scenarios) {
        const q0 = await queries();
        rounds[name].push(summary(await load(name, url, headers, slice)));
        await new Promise((r) => setTimeout(r, 500));
        counted[name] += (await queries()) - q0;
      }
    }
    const verified = rounds.verified.length ? combine(rounds.verified, DURATION) : null;
    const bypassed = rounds.bypassed.length ? combine(rounds.bypassed, DURATION) : null;

    // The same valid-key calls from 4 connections: the latency a lightly loaded server gives.
    const light = verified ? summary(await load("verified, 4 connections", `${base}/api/v1/accounts`, { "x-api-key": key }, Math.min(DURATION, 5), 4)) : null;

    let flood = null;
    let floodQueries = 0;
    if (SCENARIOS.has("malformed")) {
      // Let requests still in flight from the previous phase finish before counting.
      await new Promise((r) => setTimeout(r, 2000));
      const before = await queries();
      const malformedKey = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
      flood = summary(await load("malformed", `${base}/api/v1/accounts`, { "x-api-key": malformedKey }, Math.min(DURATION, 5)));
      floodQueries = (await queries()) - before;
    }

    const rows = [
      ["GET /api/v1/accounts, valid key", verified],
      ["same handler, verification bypassed", bypassed],
      ["malformed keys (all 401)", flood],
    ].filter(([, r]) => r);
    console.log("scenario                                 req/s    p50 ms   p99 ms   requests   errors");
    for (const [name, r] of rows) {
      console.log(
        `${name.padEnd(40)} ${String(r.rps).padStart(6)} ${String(r.p50).padStart(9)} ${String(r.p99).padStart(8)} ${String(r.total).padStart(10)} ${String(name.startsWith("malformed") ? 0 : r.errors).padStart(8)}`,
      );
    }
    if (verified && bypassed) {
      const ratio = verified.rps / bypassed.rps;
      console.log(`\nratio verified / bypassed: ${ratio.toFixed(2)}   (target ≥ 0.90: ${ratio >= 0.9 ? "met" : "missed"})`);
    }
    if (verified) {
      console.log(`p99 with a valid key at ${CONNECTIONS} connections: ${verified.p99} ms   (target ≤ 10 ms: ${verified.p99 <= 10 ? "met" : "missed"})`);
      console.log(
        `p99 with a valid key at 4 connections: ${light.p99} ms   (${light.rps} req/s, p50 ${light.p50} ms; target ≤ 2 ms: ${light.p99 <= 2 ? "met" : "missed"})`,
      );
      console.log(`errors on valid-key requests: ${verified.errors}`);
    }
    if (flood)
      console.log(`database queries during ${flood.total} malformed-key requests: ${floodQueries}   (target 0: ${floodQueries === 0 ? "met" : "missed"})`);
    const scraped = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const series = (name) => Number(/^(\S+) (\S+)$/m.exec(scraped.split("\n").find((line) => line.startsWith(`${name} `)) ?? "")?.[2] ?? 0);
    console.log(
      `metrics on: ${series('latchkey_key_verifications_total{outcome="valid"}')} valid and ${series('latchkey_key_verifications_total{outcome="invalid"}')} invalid key checks counted, ` +
        `${series('latchkey_api_requests_total{route="/api/v1/accounts",status="200"}')} requests to /api/v1/accounts answered 200`,
    );
    if (verified && bypassed) console.log(`ratio per round: ${rounds.verified.map((v, i) => (v.rps / rounds.bypassed[i].rps).toFixed(2)).join(", ")}`);
    for (const [name, list] of Object.entries(rounds)) if (list.length) console.log(`${name} req/s per round: ${list.map((r) => r.rps).join(", ")}`);
    const perRequest = (label, name, r) => (r ? `${label} ${(counted[name] / r.total).toFixed(3)}` : null);
    if (verified || bypassed)
      console.log(
        `database queries per request: ${[perRequest("valid key", "verified", verified), perRequest("bypassed", "bypassed", bypassed)].filter(Boolean).join(", ")}`,
      );
    if (SCENARIOS.has("portal")) await portalFigures(portal);
    if (CPU_PROF) console.log(`\nCPU profile of the server: ${CPU_PROF} (node scripts/cpu-profile-top.mjs ${CPU_PROF})`);
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    await database.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** One signed-in page: its status, the time to its headers and to its last byte, and its body. */
async function timedPage(pathname, cookie) {
  const startedAt = performance.now();
  const response = await fetch(`${base}${pathname}`, { headers: { cookie }, redirect: "manual" });
  const headersAt = performance.now();
  const body = await response.text();
  return { status: response.status, ttfb: headersAt - startedAt, total: performance.now() - startedAt, body };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * The JavaScript a first visit to the page downloads: every script the HTML names (but the `nomodule` fallback), each compressed
 * with gzip as the server sends it, added up (kB = 1,000 bytes).
 */
async function firstLoadJs(pathname, cookie) {
  const page = await timedPage(pathname, cookie);
  if (page.status !== 200) throw new Error(`${pathname} answered ${page.status}`);
  // A `nomodule` script is for browsers without ES modules: the ones the portal supports never fetch it.
  // React writes the attribute as `noModule=""`, after `src`: the whole tag is read.
  const tags = [...page.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]).filter((tag) => !/\snomodule\b/i.test(tag));
  const sources = new Set(
    tags
      .map((tag) => /\ssrc="([^"]+)"/.exec(tag)?.[1])
      .filter(Boolean)
      .map((source) => source.replaceAll("&amp;", "&")),
  );
  let bytes = 0;
  for (const source of sources) bytes += gzipSync(Buffer.from(await (await fetch(new URL(source, base))).arrayBuffer())).length;
  return { kB: bytes / 1000, scripts: sources.size, html: Buffer.byteLength(page.body) / 1000 };
}

/**
 * One key list page of the two organisations, taking turns after a warm-up (which of the two goes
 * first alternates too): prints the medians and the ratio 10,000 keys / 20 keys.
 */
async function keyListRatio(label, pathOf, { small, large }) {
  const keyList = (org) => timedPage(pathOf(org), org.cookie);
  for (const org of [small, large]) {
    const first = await keyList(org);
    if (first.status !== 200 || !first.body.includes('href="/keys/')) {
      throw new Error(`the signed-in ${label} (${pathOf(org)}) answered ${first.status} without the organisation's keys`);
    }
  }
  const samples = { small: [], large: [] };
  for (let i = 0; i < 5; i++) for (const org of [small, large]) await keyList(org);
  for (let i = 0; i < Number(process.env.BENCH_PAGE_SAMPLES ?? 40); i++) {
    const turn = [
      ["small", small],
      ["large", large],
    ];
    if (i % 2) turn.reverse();
    for (const [name, org] of turn) samples[name].push(await keyList(org));
  }
  const ttfb = (name) => median(samples[name].map((s) => s.ttfb));
  const total = (name) => median(samples[name].map((s) => s.total));
  const ratio = total("large") / total("small");
  console.log(
    `${label} at 20 keys: ${total("small").toFixed(1)} ms to the last byte (${ttfb("small").toFixed(1)} ms to the headers); at 10,000 keys: ${total("large").toFixed(1)} ms (${ttfb("large").toFixed(1)} ms)`,
  );
  console.log(
    `${label} TTFB 10,000 keys / 20 keys: ${ratio.toFixed(2)}   (the whole page, last byte included: the page streams; target ≤ 1.5: ${ratio <= 1.5 ? "met" : "missed"})`,
  );
}

/**
 * The portal signed in: the key list's time, and its search's, at 20 and at 10,000 keys — two
 * organisations that bench-prepare made alike in all but their number of keys — the first-load JavaScript of the key pages, and /keys under load.
 */
async function portalFigures({ small, large }) {
  console.log(
    `\nPortal, signed in (${small.keys} keys in one organisation, ${large.keys.toLocaleString("en")} in another alike but for its keys; medians of ${Number(process.env.BENCH_PAGE_SAMPLES ?? 40)} requests each):`,
  );
  await keyListRatio("key list", () => "/keys", { small, large });
  // Searching by a key's prefix: about one key found in either organisation.
  await keyListRatio("key list search", (org) => `/keys?q=${encodeURIComponent(org.searchPrefix)}`, { small, large });
  for (const [label, pathname] of [
    ["/keys", "/keys"],
    ["/keys/new", "/keys/new"],
    ["/keys/[id]", `/keys/${small.keyId}`],
  ]) {
    const js = await firstLoadJs(pathname, small.cookie);
    console.log(
      `first-load JS ${label}: ${Math.round(js.kB)} kB   (${js.scripts} scripts, gzip; HTML ${Math.round(js.html)} kB; target ≤ 150 kB: ${js.kB <= 150 ? "met" : "missed"})`,
    );
  }
  // Queries per page, one page at a time (statements inside a transaction are not counted).
  const counted = async () => (await (await fetch(`${base}/api/bench/stats`)).json()).queries;
  const q0 = await counted();
  for (let i = 0; i < 10; i++) await timedPage("/keys", small.cookie);
  console.log(`database queries per signed-in /keys page (${small.keys} keys): ${((await counted()) - q0) / 10}`);
  const seconds = Math.max(5, Math.round(DURATION / 2));
  const pages = summary(await load("signed-in /keys", `${base}/keys`, { cookie: small.cookie }, seconds));
  console.log(
    `signed-in /keys pages/s at ${CONNECTIONS} connections: ${pages.rps}   (p99 ${pages.p99} ms, ${pages.errors} errors of ${pages.total}; target ≥ 100 and p99 < 1 s: ${pages.rps >= 100 && pages.p99 < 1000 && pages.errors === 0 ? "met" : "missed"})`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
