import "server-only";
import { getDb } from "@/lib/db";
import { queryCount } from "@/lib/db/client";
import { env } from "@/lib/env";
import { eq, sql } from "drizzle-orm";
import { apiKeys } from "@/lib/db/schema";
import { keyAccountsJson } from "./authenticate";
import { defineEndpoint } from "./endpoints";
import { openEndpointHandler } from "./handler";
import { json } from "./http";
import { routeTable } from "./routes";

/**
 * Routes for `npm run bench` only. They are in no production route table: the server registers them
 * only when started with LATCHKEY_BENCH=1 (scripts/serve.mjs), and even then each answers 404 unless
 * that flag is set. The first reads what GET /api/v1/accounts returns — the key's accounts, by the
 * same SQL — by key id, with no key verification at all, to measure what verification costs; the
 * second reports how many queries ran.
 */
let unverified: ReturnType<typeof prepareUnverified> | undefined;

function prepareUnverified() {
  return getDb()
    .select({ accounts: keyAccountsJson })
    .from(apiKeys)
    .where(eq(apiKeys.id, sql.placeholder("keyId")))
    .prepare("latchkey_bench_accounts_unverified");
}

const notFound = () => json({ error: { code: "not_found", message: "Not found." } }, 404);

export async function benchAccountsUnverified(request: Request): Promise<Response> {
  if (env.LATCHKEY_BENCH !== "1") return notFound();
  const params = new URL(request.url).searchParams;
  const keyId = params.get("keyId") ?? "";
  if (!/^[0-9a-f-]{36}$/.test(keyId)) return notFound();
  // No hash, no organisation, no expiry: GET /api/v1/accounts' data, as if verification were free.
  const [row] = await (unverified ??= prepareUnverified()).execute({ keyId });
  return json({ accounts: row?.accounts ?? [] });
}

export async function benchStats(): Promise<Response> {
  if (env.LATCHKEY_BENCH !== "1") return notFound();
  return json({ queries: queryCount() });
}

const BENCH = "benchmark only: registered, and answering, only in a server started with LATCHKEY_BENCH=1";

export const BENCH_ENDPOINTS = {
  benchAccountsUnverified: defineEndpoint({
    method: "GET",
    path: "/api/bench/accounts-unverified",
    permission: null,
    public: BENCH,
    summary: "GET /api/v1/accounts' answer for a key id, with no key verification",
    openapi: false,
  }),
  benchStats: defineEndpoint({
    method: "GET",
    path: "/api/bench/stats",
    permission: null,
    public: BENCH,
    summary: "How many database queries ran",
    openapi: false,
  }),
};

/** What the benchmark's server adds to the production routes. */
export const BENCH_ROUTES = routeTable(BENCH_ENDPOINTS, {
  benchAccountsUnverified: openEndpointHandler(BENCH_ENDPOINTS.benchAccountsUnverified, benchAccountsUnverified),
  benchStats: openEndpointHandler(BENCH_ENDPOINTS.benchStats, benchStats),
});
