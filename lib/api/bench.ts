import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { queryCount } from "@/lib/db/client";
import { apiKeys } from "@/lib/db/schema";
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
  const keyId = new URL(request.url).searchParams.get("keyId") ?? "";
  const db = getDb();
  const [key] = await db.select({ mode: apiKeys.mode }).from(apiKeys).where(eq(apiKeys.id, keyId)).limit(1);
  if (!key) return notFound();
  return json({ accounts: await accountsOfKey(db, keyId, key.mode) });
}

export async function benchStats(): Promise<Response> {
  if (env.LATCHKEY_BENCH !== "1") return notFound();
  return json({ queries: queryCount() });
}
