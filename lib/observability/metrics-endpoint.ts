import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { metrics } from "./metrics";

/**
 * GET /metrics: the process's Prometheus text, for a scraper holding METRICS_TOKEN as a bearer
 * token. Without METRICS_TOKEN the endpoint does not exist (404), so nothing is exposed by default.
 */
const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" };

function refusal(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message } }), { status, headers: { ...JSON_HEADERS, ...headers } });
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Compares the presented token with the configured one in constant time, whatever their lengths. */
function tokenMatches(header: string | null, token: string): boolean {
  const presented = /^Bearer +([\x21-\x7e]{1,512})$/i.exec(header ?? "")?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

export async function serveMetrics(request: Request, token = env.METRICS_TOKEN): Promise<Response> {
  if (!token) return refusal(404, "not_found", "There is no such page.");
  if (request.method !== "GET" && request.method !== "HEAD") {
    return refusal(405, "method_not_allowed", `${request.method} is not allowed here. Use GET.`, { allow: "GET, HEAD" });
  }
  if (!tokenMatches(request.headers.get("authorization"), token)) {
    return refusal(401, "unauthorized", "Send the metrics token as Authorization: Bearer <METRICS_TOKEN>.", { "www-authenticate": 'Bearer realm="metrics"' });
  }
  const { registry } = metrics();
  const text = await registry.metrics();
  return new Response(request.method === "HEAD" ? null : text, { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}
