import "server-only";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's Prometheus metrics (served at GET /metrics when METRICS_TOKEN is set). Labels are
 * route templates, status codes and outcome words only — a bounded set, never a path, key or user.
 */
export interface Metrics {
  registry: Registry;
  apiRequests: Counter<"route" | "status">;
  apiDuration: Histogram<"route">;
  portalRequests: Counter<"route" | "status">;
  portalDuration: Histogram<"route">;
  keyVerifications: Counter<"outcome">;
  reminders: Counter;
  emails: Counter<"outcome">;
  jobRounds: Counter<"outcome">;
  webhookDeliveries: Counter<"outcome">;
}

/** Seconds: a key check answers in about a millisecond, a portal page in tens of them. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/** The process's database handle (lib/db), read at scrape time only; nothing is opened for it. */
function poolStats(): PoolStats | null {
  return (globalThis as { __latchkeyDatabase?: { stats?: () => PoolStats | null } }).__latchkeyDatabase?.stats?.() ?? null;
}

/** How many requests the server is answering now; set by the production server (scripts/serve.mjs). */
let inFlight: () => number = () => 0;

export function countRequestsInFlight(read: () => number): void {
  inFlight = read;
}

function create(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  new Gauge({
    name: "latchkey_http_requests_in_flight",
    help: "Requests being answered now (portal, bank API and this scrape).",
    registers,
    collect() {
      this.set(inFlight());
    },
  });
  new Gauge({
    name: "latchkey_db_pool_connections",
    help: "PostgreSQL pool connections by state (open, idle, max); none on the embedded database.",
    labelNames: ["state"] as const,
    registers,
    collect() {
      const stats = poolStats();
      if (!stats) return;
      this.set({ state: "open" }, stats.total);
      this.set({ state: "idle" }, stats.idle);
      this.set({ state: "max" }, stats.max);
    },
  });
  new Gauge({
    name: "latchkey_db_pool_waiting_requests",
    help: "Queries waiting for a free PostgreSQL connection.",
    registers,
    collect() {
      const stats = poolStats();
      if (stats) this.set(stats.waiting);
    },
  });
  return {
    registry,
    ...requestMetrics(registers, "api", "Bank API requests", "from dispatch to the answer"),
    ...requestMetrics(registers, "portal", "Portal requests (pages, server actions, assets)", "from arrival to the answer"),
    keyVerifications: new Counter({
      name: "latchkey_key_verifications_total",
      help: "API key checks at the bank API's door by outcome (valid, invalid, missing, frozen, rate_limited, ip_not_allowed, …).",
      labelNames: ["outcome"] as const,
      registers,
      collect() {
        // The valid checks tallied since the last read (countValidKeyCheck), added now.
        const tally = validKeyChecks();
        if (tally.count > 0) {
          this.inc({ outcome: "valid" }, tally.count);
          tally.count = 0;
        }
      },
    }),
    reminders: new Counter({ name: "latchkey_reminders_sent_total", help: "Key expiry reminders created.", registers }),
    emails: new Counter({
      name: "latchkey_emails_sent_total",
      help: "E-mail delivery attempts: handed to SMTP (sent) or refused or failed (failed, retried up to 5 times).",
      labelNames: ["outcome"] as const,
      registers,
    }),
    jobRounds: new Counter({
      name: "latchkey_job_rounds_total",
      help: "Background job rounds by outcome (ok, failed).",
      labelNames: ["outcome"] as const,
      registers,
    }),
    webhookDeliveries: new Counter({
      name: "latchkey_webhook_deliveries_total",
      help: "Webhook delivery attempts by outcome: delivered (2xx), retrying (to be tried again), failed (given up, or the endpoint disabled).",
      labelNames: ["outcome"] as const,
      registers,
    }),
  };
}

/** The request counter and duration histogram of one side of the server: `latchkey_<side>_requests_total`, `latchkey_<side>_request_duration_seconds`. */
function requestMetrics<Side extends "api" | "portal">(registers: Registry[], side: Side, what: string, measured: string) {
  return {
    [`${side}Requests`]: new Counter({
      name: `latchkey_${side}_requests_total`,
      help: `${what} by route template and HTTP status.`,
      labelNames: ["route", "status"] as const,
      registers,
    }),
    [`${side}Duration`]: new Histogram({
      name: `latchkey_${side}_request_duration_seconds`,
      help: `${what}: duration, ${measured}, by route template.`,
      labelNames: ["route"] as const,
      buckets: BUCKETS,
      registers,
    }),
  } as Record<`${Side}Requests`, Counter<"route" | "status">> & Record<`${Side}Duration`, Histogram<"route">>;
}

const KEY = Symbol.for("latchkey.metrics");
const VALID_KEY_CHECKS = Symbol.for("latchkey.metrics.validKeyChecks");

/**
 * The valid key checks not yet added to latchkey_key_verifications_total: the API's busiest count is
 * a plain addition on the request's path, and joins the counter whenever it is read (a scrape, get()).
 * One per process, like the registry.
 */
function validKeyChecks(): { count: number } {
  const holder = globalThis as unknown as Record<symbol, { count: number } | undefined>;
  holder[VALID_KEY_CHECKS] ??= { count: 0 };
  return holder[VALID_KEY_CHECKS];
}

/** Counts one valid key check (see validKeyChecks). */
export function countValidKeyCheck(): void {
  validKeyChecks().count += 1;
}

/** One registry per process, shared by the API bundle and Next's server bundle. */
export function metrics(): Metrics {
  const registry = globalThis as unknown as Record<symbol, Metrics | undefined>;
  registry[KEY] ??= create();
  return registry[KEY];
}
