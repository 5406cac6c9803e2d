/**
 * The benchmark's webhook section (`npm run bench`, scenario "webhooks"), run on the prepared
 * database before the server starts. Two job runners deliver to endpoints on one loopback
 * receiver: on PostgreSQL two processes (`bench-webhooks.ts runner`), each with its own pool; on the
 * embedded database two runners in this process (PGlite has one connection, owned by one process).
 *
 * 1. Throughput: 1,000 events committed first, then the runners start; deliveries per second until
 *    the last arrives. Every event must arrive, and none twice at the same time to one endpoint.
 * 2. Delay: a steady stream of events (BENCH_WEBHOOK_RATE per second) while the runners poll;
 *    p50/p99 from each event's commit to its arrival at the receiver.
 *
 * Prints the figures as lines the bench shows; exits non-zero when an event is missing or doubled.
 */
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { sql } from "drizzle-orm";
import { databaseHandle, type Database } from "@/lib/db";
import { organisations, webhookEndpoints } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { deliverWebhooks } from "@/lib/webhooks/deliver";
import { enqueueWebhookEvent } from "@/lib/webhooks/outbox";
import { generateWebhookSecret, sealWebhookSecret } from "@/lib/webhooks/secret";

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 1000);
const STREAM_EVENTS = Number(process.env.BENCH_WEBHOOK_STREAM_EVENTS ?? 500);
const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 50);
const ENDPOINTS = Number(process.env.BENCH_WEBHOOK_ENDPOINTS ?? 4);
const POLL_MS = Number(process.env.BENCH_WEBHOOK_POLL_MS ?? 50);
const CONCURRENCY = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One runner: deliver what is due, wait a little when nothing was, until told to stop and nothing is left. */
async function runLoop(db: Database, stopped: () => boolean) {
  let attempts = 0;
  while (true) {
    const round = await deliverWebhooks(db, { concurrency: CONCURRENCY });
    attempts += round.attempted;
    if (round.attempted === 0) {
      if (stopped()) return attempts;
      await sleep(POLL_MS);
    }
  }
}

/** A runner process: ready once its modules and pool are warm, it starts on "go" (a line on stdin) and stops on SIGTERM. */
async function runner() {
  const handle = databaseHandle();
  let stop = false;
  process.on("SIGTERM", () => {
    stop = true;
  });
  await handle.db.execute(sql`select 1`);
  process.stdout.write("ready\n");
  await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
  process.stdin.destroy();
  const attempts = await runLoop(handle.db, () => stop);
  await handle.close();
  process.stdout.write(`${JSON.stringify({ attempts })}\n`, () => process.exit(0));
}

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function coordinator() {
  const handle = databaseHandle();
  const db = handle.db;
  const arrivals = new Map<string, number[]>();
  const inFlight = new Map<string, number>();
  let concurrentTwice = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const id = String(req.headers["webhook-id"]);
      const flight = `${req.url} ${id}`;
      if (inFlight.get(flight)) concurrentTwice += 1;
      inFlight.set(flight, (inFlight.get(flight) ?? 0) + 1);
      (arrivals.get(id) ?? arrivals.set(id, []).get(id)!).push(Date.now());
      // A receiver doing a little work before it answers.
      setTimeout(() => {
        inFlight.set(flight, inFlight.get(flight)! - 1);
        res.writeHead(204);
        res.end();
      }, 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const [org] = await db.select({ id: organisations.id }).from(organisations).limit(1);
  const endpointIds: string[] = [];
  for (let i = 0; i < ENDPOINTS; i++) {
    const id = crypto.randomUUID();
    const secret = generateWebhookSecret();
    await db.insert(webhookEndpoints).values({
      id,
      orgId: org!.id,
      url: `${base}/hooks/${i}`,
      eventTypes: ["key.created"],
      secretSealed: sealWebhookSecret(secret, id),
      secretLast4: secret.slice(-4),
      description: "Benchmark",
    });
    endpointIds.push(id);
  }
  const committed = new Map<string, number>();
  const enqueue = async (n: number) => {
    const id = await enqueueWebhookEvent(db, {
      orgId: org!.id,
      type: "key.created",
      data: { organisationId: org!.id, n },
      endpointIds: [endpointIds[n % ENDPOINTS]!],
    });
    committed.set(id!, Date.now());
    return id!;
  };

  // Two runners: two processes on PostgreSQL (started, and warm, before the clock starts), two loops
  // here on the embedded database.
  let stopRunners: () => Promise<number[]> = async () => [];
  let startRunners: () => void;
  if (env.DATABASE_URL) {
    const tsx = path.join("node_modules", "tsx", "dist", "cli.mjs");
    const children = [0, 1].map(() =>
      spawn(process.execPath, [tsx, "--conditions=react-server", "scripts/bench-webhooks.ts", "runner"], { stdio: ["pipe", "pipe", "inherit"] }),
    );
    const outputs = children.map((child) => {
      let out = "";
      child.stdout.on("data", (chunk) => {
        out += chunk;
      });
      const ready = new Promise<void>((resolve) => {
        const check = () => (out.includes("ready") ? resolve() : child.stdout.once("data", check));
        check();
      });
      const done = new Promise<number>((resolve) =>
        child.once("exit", () => resolve(JSON.parse(out.split("\n").find((line) => line.startsWith("{")) ?? '{"attempts":0}').attempts)),
      );
      return { ready, done };
    });
    await Promise.all(outputs.map((o) => o.ready));
    startRunners = () => {
      for (const child of children) child.stdin.write("go\n");
    };
    stopRunners = async () => {
      for (const child of children) child.kill("SIGTERM");
      return Promise.all(outputs.map((o) => o.done));
    };
  } else {
    startRunners = () => {
      let stop = false;
      const loops = [runLoop(db, () => stop), runLoop(db, () => stop)];
      stopRunners = async () => {
        stop = true;
        return Promise.all(loops);
      };
    };
  }
  const waitFor = async (ids: string[], timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (ids.some((id) => !arrivals.has(id)) && Date.now() < deadline) await sleep(20);
  };

  // 1. Throughput: a backlog of EVENTS, then the runners.
  const backlog: string[] = [];
  for (let n = 0; n < EVENTS; n++) backlog.push(await enqueue(n));
  const started = Date.now();
  startRunners();
  await waitFor(backlog, 300_000);
  const lastArrival = Math.max(...backlog.map((id) => arrivals.get(id)?.[0] ?? 0));
  const perSecond = Math.round((EVENTS / Math.max(1, lastArrival - started)) * 1000);

  // 2. Delay from commit: a steady stream while the runners poll.
  const stream: string[] = [];
  const streamStart = Date.now();
  for (let n = 0; n < STREAM_EVENTS; n++) {
    const due = streamStart + (n * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    stream.push(await enqueue(EVENTS + n));
  }
  await waitFor(stream, 120_000);
  const attemptsByRunner = await stopRunners();
  const delays = stream.filter((id) => arrivals.has(id)).map((id) => arrivals.get(id)![0]! - committed.get(id)!);

  const all = [...backlog, ...stream];
  const missing = all.filter((id) => !arrivals.has(id)).length;
  const twice = all.filter((id) => (arrivals.get(id)?.length ?? 0) > 1).length;
  const where = env.DATABASE_URL ? "two runner processes on PostgreSQL" : "two runners in one process on the embedded PGlite";
  console.log(`\nWebhooks (${where}; ${ENDPOINTS} endpoints on one loopback receiver, ${CONCURRENCY} in flight per runner at most, one per endpoint):`);
  console.log(`webhook deliveries per second: ${perSecond}   (${EVENTS} events committed first; attempts per runner ${attemptsByRunner.join(" + ")})`);
  console.log(
    `webhook delivery p99 delay from commit: ${percentile(delays, 99)} ms   (p50 ${percentile(delays, 50)} ms; ${STREAM_EVENTS} events at ${RATE}/s, runners polling every ${POLL_MS} ms when idle)`,
  );
  console.log(`webhook events missing: ${missing}, delivered more than once: ${twice}, the same one in flight twice at once: ${concurrentTwice}`);

  // Leave the database as it was prepared.
  await db.execute(sql`delete from webhook_endpoints where description = 'Benchmark'`);
  await db.execute(sql`delete from webhook_events where payload ? 'n'`);
  server.close();
  await handle.close();
  if (missing || twice || concurrentTwice) process.exit(1);
}

(process.argv[2] === "runner" ? runner() : coordinator()).catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
