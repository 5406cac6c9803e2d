import "server-only";
import { getDb } from "@/lib/db";
import { queryCount } from "@/lib/db/client";
import { env } from "@/lib/env";
import { accountsOfKey } from "./accounts";
import { json } from "./http";

/**
 * Routes for `npm run bench` only: they answer 404 unless the server was started with
 * LATCHKEY_BENCH=1. The first runs GET /api/v1/accounts' own query with key verification
 * bypassed, to measure what verification costs; the second reports how many queries ran.
 */
const notFound = () => json({ error: { code: "not_found", message: "Not found." } }, 404);

export async function benchAccountsUnverified(request: Request): Promise<Response> {
  if (env.LATCHKEY_BENCH !== "1") return notFound();
  const params = new URL(request.url).searchParams;
  const keyId = params.get("keyId") ?? "";
  const mode = params.get("mode") === "test" ? "test" : "live";
  if (!/^[0-9a-f-]{36}$/.test(keyId)) return notFound();
  // No key lookup at all: exactly GET /api/v1/accounts' own work, as if verification were free.
  return json({ accounts: await accountsOfKey(getDb(), keyId, mode) });
}

export async function benchStats(): Promise<Response> {
  if (env.LATCHKEY_BENCH !== "1") return notFound();
  return json({ queries: queryCount() });
}
