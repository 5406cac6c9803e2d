import "server-only";
import { getDb, type Database } from "@/lib/db";
import type { KeyPermission } from "@/lib/key-permissions";
import { env } from "@/lib/env";
import { hitApiRateLimit } from "@/lib/security/api-rate-limit";
import type { RateLimitResult } from "@/lib/security/rate-limit";
import { sharedRateLimitStore, type RateLimitStore } from "@/lib/security/rate-limit-store";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { clientIp } from "@/lib/http/client-ip";
import { assertCallerAddress, readCredential, verifyCredential, type ApiCaller } from "./authenticate";
import type { EndpointDeclaration, KeyEndpoint, OpenEndpoint, PathParams } from "./endpoints";
import { DomainError } from "@/lib/errors";
import { ApiError, errorResponse, requestIdOf, toApiError } from "./http";
import { noteKeyUse } from "./last-used";
import { log } from "@/lib/observability/log";
import { type ApiObservation, countKeyVerification } from "@/lib/observability/requests";

export interface ApiContext<P> {
  request: Request;
  caller: ApiCaller;
  db: Database;
  params: P;
  requestId: string;
  /** The caller's address, resolved by the server from the socket (and trusted proxies only). */
  ip: string | null;
}

/** The audit fields of a write made through the API: the key as the actor, its address, the request. */
export function apiAuditFields(context: Pick<ApiContext<unknown>, "caller" | "requestId" | "ip">) {
  return {
    orgId: context.caller.orgId,
    actorKeyId: context.caller.keyId,
    actorLabel: `${context.caller.prefix}… (API key)`,
    ip: context.ip,
    requestId: context.requestId,
  };
}

/**
 * What a route's handler is given besides the request: its path parameters, as a route file would
 * be given them, and — from the dispatcher — the request's log line to fill in (who called).
 */
type RouteContext<P> = { params: Promise<P>; observation?: ApiObservation };

/** A route's handler: the request and the path parameters, as a route file would be given them. */
export type RouteHandler<P = Record<string, string>> = (request: Request, route: RouteContext<P>) => Promise<Response>;

/** A handler bound to the endpoint it answers for; the route table is built from these. */
export type BoundHandler<P = Record<string, string>> = RouteHandler<P> & { readonly endpoint: EndpointDeclaration };

// Chosen once: the database, or Redis when REDIS_URL is set. Not rebuilt on every request.
let rateLimitStore: RateLimitStore | undefined;

/**
 * Counts one request against a shared per-minute limit; over it, a 429 with Retry-After. Answered at
 * once (nothing to await) when this instance holds tokens of the shared count or the window is spent.
 */
export function enforceLimit(bucket: string, limit: number, message: string): void | Promise<void> {
  rateLimitStore ??= sharedRateLimitStore(getDb);
  const result = hitApiRateLimit(rateLimitStore, bucket, limit, 60);
  if (result instanceof Promise) return result.then((answer) => admitted(answer, message));
  admitted(result, message);
}

function admitted(result: RateLimitResult, message: string): void {
  if (!result.allowed) throw new ApiError(429, "rate_limited", message, undefined, { "retry-after": String(result.retryAfterSeconds) });
}

// The caller's address as the server resolved it, normalised once per distinct address (a pure
// function of the header, which the production server sets itself): a busy client pays no parse.
const ADDRESSES = new Map<string, string | null>();
const MAX_ADDRESSES = 10_000;

function callerAddress(headers: Headers): string | null {
  const resolved = headers.get(CLIENT_ADDRESS_HEADER);
  if (resolved === null) return clientIp(headers);
  let address = ADDRESSES.get(resolved);
  if (address === undefined) {
    if (ADDRESSES.size >= MAX_ADDRESSES) ADDRESSES.clear();
    address = clientIp(headers);
    ADDRESSES.set(resolved, address);
  }
  return address;
}

/**
 * The handler of a declared endpoint (lib/api/endpoints.ts), behind the API's one door: the
 * permission checked is the one the declaration names, and the path parameters are the path's.
 */
export function endpointHandler<E extends KeyEndpoint>(
  endpoint: E,
  work: (context: ApiContext<PathParams<E["path"]>>) => Promise<Response>,
): BoundHandler<PathParams<E["path"]>> {
  return Object.assign(apiHandler<PathParams<E["path"]>>(endpoint.permission, work), { endpoint });
}

/** The handler of an endpoint no key permission opens; its declaration says why. */
export function openEndpointHandler(endpoint: OpenEndpoint, handler: (request: Request) => Promise<Response>): BoundHandler {
  return Object.assign((request: Request) => handler(request), { endpoint });
}

/**
 * The one door of the bank API: every key endpoint's handler is built with it. It authenticates the key
 * (or its access token), applies the per-IP and per-key rate limits shared by every instance — the
 * IP's before the key is looked up, so guessing keys is throttled too — checks the key's IP
 * allowlist and the key permission the endpoint needs, notes the use, and turns every refusal into PRODUCT.md's error shape.
 * It tells the dispatcher's observation which key called (once verified) and which permission let the
 * call through, so the key's usage counts its refusals too (lib/api/usage.ts).
 */
function apiHandler<P>(permission: KeyPermission, work: (context: ApiContext<P>) => Promise<Response>): RouteHandler<P> {
  return async (request, route) => {
    const requestId = requestIdOf(request);
    let verified = false;
    try {
      const db = getDb();
      const credential = readCredential(request);
      const ip = callerAddress(request.headers);
      // The limits' checks are awaited only when they must wait for the shared count (see enforceLimit).
      const ipLimit = enforceLimit(`api:ip:${ip ?? "unknown"}`, env.LATCHKEY_API_IP_RATE_LIMIT, "Too many requests from this address. Slow down and retry.");
      if (ipLimit) await ipLimit;
      // One reading of the clock for the key's expiry and its last use.
      const now = Date.now();
      const caller = await verifyCredential(db, credential, now);
      // From here on a refusal is this key's: its usage counts it.
      if (route.observation) route.observation.keyId = caller.keyId;
      assertCallerAddress(caller, ip);
      const keyLimit = enforceLimit(`api:key:${caller.keyId}`, env.LATCHKEY_API_RATE_LIMIT, "Too many requests for this key. Slow down and retry.");
      if (keyLimit) await keyLimit;
      if (!caller.permissions.has(permission)) {
        throw new ApiError(403, "insufficient_permission", `This key does not have the ${permission} permission.`);
      }
      verified = true;
      countKeyVerification("valid");
      if (route.observation) {
        route.observation.keyPrefix = caller.prefix;
        route.observation.permission = permission;
      }
      noteKeyUse(caller.keyId, now, getDb, caller.secret);
      const response = await work({ request, caller, db, params: await route.params, requestId, ip });
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      if (!verified) countKeyVerification(refusalOutcome(error));
      return failure(error, requestId);
    }
  };
}

/** The outcome word a refused key check is counted under (latchkey_key_verifications_total). */
const REFUSAL_OUTCOMES: Record<string, string> = {
  missing_key: "missing",
  invalid_key: "invalid",
  key_frozen: "frozen",
  rate_limited: "rate_limited",
  ip_not_allowed: "ip_not_allowed",
  insufficient_permission: "insufficient_permission",
  key_pending_approval: "pending_approval",
  organisation_suspended: "organisation_inactive",
  organisation_pending: "organisation_inactive",
};

function refusalOutcome(error: unknown): string {
  if (error instanceof ApiError) return REFUSAL_OUTCOMES[error.code] ?? "refused";
  return databaseUnavailable(error) ? "unavailable" : "error";
}

/** Refusals as API errors; a database that cannot be reached is a 503, anything else a plain 500. */
export function failure(error: unknown, requestId: string): Response {
  if (error instanceof ApiError) return errorResponse(error, requestId);
  if (error instanceof DomainError) return errorResponse(toApiError(error), requestId);
  if (databaseUnavailable(error)) {
    return errorResponse(
      new ApiError(503, "service_unavailable", "The bank API is briefly unavailable. Retry shortly.", undefined, { "retry-after": "5" }),
      requestId,
    );
  }
  log().error({ requestId, error: error instanceof Error ? error.name : "unknown error" }, "api request failed");
  return errorResponse(new ApiError(500, "internal_error", "Something went wrong on our side. Quote the request id if it keeps happening."), requestId);
}

const UNAVAILABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08006"]);

function databaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && UNAVAILABLE.has(code)) return true;
    const message = (current as { message?: unknown }).message;
    if (typeof message === "string" && /Connection terminated|connect ECONNREFUSED|PGlite is closed/i.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
