import "server-only";
import path from "node:path";
import { z } from "zod";
import { parseTrustedProxies } from "@/lib/http/client-address";
import { parseSecretScanningKeys } from "@/lib/security/secret-scanning-keys";

/**
 * The environment, parsed once. Nothing else in the app reads process.env.
 */
const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /**
     * A PostgreSQL connection string; when unset, the embedded PGlite database is used. In production
     * it names a role with DML only (SELECT, INSERT, UPDATE, DELETE), never the tables' owner.
     */
    DATABASE_URL: z.string().url().optional(),
    /**
     * The tables' owner, for migrations only (`npm start`'s preparation, `npm run db:migrate`);
     * DATABASE_URL when unset. The server itself never receives it.
     */
    MIGRATION_DATABASE_URL: z.string().url().optional(),
    /**
     * The demo organisations and their people: `1` seeds them (on PostgreSQL, and in production with a
     * warning), `0` never; unset, only on the embedded database and never when NODE_ENV=production.
     */
    LATCHKEY_DEMO: z.enum(["0", "1"]).optional(),
    /** Where the embedded database and the generated AUTH_SECRET live. */
    LATCHKEY_DATA_DIR: z.string().min(1).default(".data"),
    /** `memory` runs PGlite in memory (tests); otherwise a folder under the data dir. */
    LATCHKEY_PGLITE: z.string().min(1).optional(),
    AUTH_SECRET: z.string().min(32).optional(),
    /**
     * The key (at least 32 characters) that webhook endpoints' signing secrets are sealed under
     * (AES-256-GCM, a key derived from it with HKDF). Unset, AUTH_SECRET (or the one generated into
     * the data folder) stands in — then rotating AUTH_SECRET makes the stored signing secrets unreadable.
     * Every instance needs the same value.
     */
    LATCHKEY_ENCRYPTION_KEY: z.string().min(32).optional(),
    /**
     * `1` lets webhook endpoints be plain http and on loopback, private or link-local addresses (tests,
     * the embedded demo). Never in production: it opens the delivery runner to SSRF.
     */
    LATCHKEY_WEBHOOKS_ALLOW_PRIVATE: z.enum(["0", "1"]).default("0"),
    /** Set by the start script when it hosts the app on plain http (cookies then cannot be Secure). */
    AUTH_URL: z.string().url().optional(),
    SMTP_URL: z.string().optional(),
    MAIL_FROM: z.string().min(3).optional(),
    /** Bank API calls allowed per key per minute. */
    LATCHKEY_API_RATE_LIMIT: z.coerce.number().int().positive().default(1200),
    LATCHKEY_API_IP_RATE_LIMIT: z.coerce.number().int().positive().default(6000),
    /** Token requests allowed per client ID per minute (and twice as many per address). */
    LATCHKEY_TOKEN_RATE_LIMIT: z.coerce.number().int().positive().default(60),
    LATCHKEY_JOBS_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
    /** How often due webhooks are sent between jobs rounds (lib/jobs/timer.ts); 0: only with each round. */
    LATCHKEY_WEBHOOKS_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(2),
    /**
     * How often the API's usage counts (calls per key, route, outcome and day; each permission's
     * last use) are written: at most one write per this many seconds, whatever the traffic.
     */
    LATCHKEY_USAGE_FLUSH_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /** Mounts the benchmark's unverified route; never set in production. */
    LATCHKEY_BENCH: z.enum(["0", "1"]).default("0"),
    REDIS_URL: z.string().optional(),
    /** The least severe log line written to stdout (one JSON object per line). */
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /**
     * The bearer token that opens `GET /metrics` (Prometheus text). Unset, the endpoint does not
     * exist (404). At least 16 characters, so a short guessable one is refused at start-up.
     */
    METRICS_TOKEN: z
      .string()
      .regex(/^[\x21-\x7e]{16,512}$/, "16 to 512 printable ASCII characters, no spaces")
      .optional(),
    /** How long a SIGTERM waits for requests in flight before closing their connections. */
    LATCHKEY_SHUTDOWN_SECONDS: z.coerce.number().int().min(1).max(120).default(10),
    /**
     * Proxies whose X-Forwarded-For is believed (CIDRs or addresses, comma-separated); none by
     * default, so the client is the socket's peer. Read by the production server (scripts/serve.mjs).
     */
    LATCHKEY_TRUSTED_PROXIES: z
      .string()
      .optional()
      .superRefine((value, context) => {
        try {
          parseTrustedProxies(value);
        } catch (error) {
          context.addIssue({ code: "custom", message: (error as Error).message });
        }
      }),
    /**
     * Secret-scanning partners' public keys, a JSON object of key id → PEM (ECDSA P-256), that sign
     * leak reports to POST /api/secret-scanning/report. Unset, that endpoint answers 404.
     */
    LATCHKEY_SECRET_SCANNING_KEYS: z
      .string()
      .optional()
      .superRefine((value, context) => {
        try {
          if (value !== undefined) parseSecretScanningKeys(value);
        } catch (error) {
          context.addIssue({ code: "custom", message: (error as Error).message });
        }
      }),
  })
  .refine((e) => !e.MIGRATION_DATABASE_URL || e.DATABASE_URL, {
    path: ["MIGRATION_DATABASE_URL"],
    message: "set DATABASE_URL too: migrations run on PostgreSQL only, the embedded database migrates itself",
  });

const parsed = schema.safeParse(process.env);
if (!parsed.success) {
  const fields = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  throw new Error(`Invalid environment: ${fields}`);
}

export const env = parsed.data;

export function pgliteLocation(): string {
  if (env.LATCHKEY_PGLITE === "memory") return "memory://";
  return path.resolve(/*turbopackIgnore: true*/ env.LATCHKEY_PGLITE ?? path.join(env.LATCHKEY_DATA_DIR, "pglite"));
}
