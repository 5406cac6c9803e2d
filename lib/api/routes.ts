import "server-only";
import { getBalance, listAccounts, listStatements, listTransactions } from "./accounts";
import { getCardCode, listCards, putCardCode } from "./cards";
import { API_ENDPOINTS, type EndpointDeclaration, type EndpointName, type HttpMethod } from "./endpoints";
import { openEndpointHandler, type BoundHandler, type RouteHandler } from "./handler";
import { ApiError, errorResponse, requestIdOf } from "./http";
import { createPayment, createTransfer, listPayments } from "./money";
import { issueToken } from "./oauth";
import { serveOpenApi } from "./openapi";
import { reportLeakedTokens } from "./secret-scanning";
import { getTaxCertificatePdf, listTaxCertificates } from "./tax-certificates";
import { serveHealth, serveReady } from "./health";
import { type ApiObservation, finishApiRequest } from "@/lib/observability/requests";
import { getDb } from "@/lib/db";
import { noteApiCall } from "./usage";

export interface ApiRoute {
  /** The declaration's name in its registry, which is also its handler's. */
  name: string;
  method: HttpMethod;
  /** The declared path template: "/api/v1/accounts/{id}/balance". */
  path: string;
  pattern: RegExp;
  endpoint: EndpointDeclaration;
  handler: RouteHandler;
}

/** A path template as a matcher: "/api/v1/accounts/{id}/balance" → /^\/api\/v1\/accounts\/(?<id>[^/]+)\/balance$/. */
export function pathPattern(template: string): RegExp {
  const source = template
    .split(/(\{\w+\})/)
    .map((part) => (/^\{\w+\}$/.test(part) ? `(?<${part.slice(1, -1)}>[^/]+)` : part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}

/**
 * The routes of a registry of declared endpoints: one per declaration, answered by the handler bound
 * to that very declaration. A handler bound to another declaration, or two declarations of one
 * method and path, stop the server at start-up rather than answer for the wrong endpoint.
 */
export function routeTable<Name extends string>(endpoints: Record<Name, EndpointDeclaration>, handlers: Record<Name, BoundHandler<never>>): ApiRoute[] {
  const routes = (Object.entries(endpoints) as [Name, EndpointDeclaration][]).map(([name, endpoint]) => {
    const handler = handlers[name];
    if (handler?.endpoint !== endpoint) throw new Error(`The handler of ${name} is not bound to its declaration`);
    // The parameters are the path's by construction: the pattern is made from the same template.
    return { name, method: endpoint.method, path: endpoint.path, pattern: pathPattern(endpoint.path), endpoint, handler: handler as unknown as RouteHandler };
  });
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`${key} is declared twice`);
    seen.add(key);
  }
  return routes;
}

/** Each production endpoint's handler, by its declaration's name: the compiler asks for every one. */
const HANDLERS: Record<EndpointName, BoundHandler<never>> = {
  listAccounts,
  getBalance,
  listTransactions,
  listStatements,
  listTaxCertificates,
  getTaxCertificatePdf,
  createTransfer,
  listPayments,
  createPayment,
  listCards,
  getCardCode,
  putCardCode,
  issueToken: openEndpointHandler(API_ENDPOINTS.issueToken, issueToken),
  serveOpenApi: openEndpointHandler(API_ENDPOINTS.serveOpenApi, serveOpenApi),
  serveHealth: openEndpointHandler(API_ENDPOINTS.serveHealth, serveHealth),
  serveReady: openEndpointHandler(API_ENDPOINTS.serveReady, serveReady),
  reportLeakedTokens: openEndpointHandler(API_ENDPOINTS.reportLeakedTokens, reportLeakedTokens),
};

/**
 * Every production route of the bank API, derived from the endpoint registry (lib/api/endpoints.ts).
 * The production server dispatches to it on plain node:http; under `next dev`,
 * app/api/[...path]/route.ts hands every request to the same dispatcher. The benchmark's routes
 * (lib/api/bench.ts) are not among them: only a server started for `npm run bench` adds them.
 */
export const API_ROUTES: readonly ApiRoute[] = routeTable(API_ENDPOINTS, HANDLERS);

/** Whether the path belongs to the bank API: everything under /api/, answered by it alone. */
export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

/** The methods a path answers to; HEAD wherever GET is. */
function allowedMethods(routes: readonly ApiRoute[]): string[] {
  const methods = new Set<string>(routes.map((r) => r.method));
  if (methods.has("GET")) methods.add("HEAD");
  methods.add("OPTIONS");
  return [...methods];
}

export type Dispatcher = (request: Request, method?: string) => Promise<Response>;

/**
 * The dispatcher of a route table. Every request under /api/ gets its answer here, at once and in
 * PRODUCT.md's JSON shape: the route's handler, 404 `not_found` for a path no route has, 405
 * `method_not_allowed` with `Allow` for a method the path does not take, and 204 with `Allow` for OPTIONS.
 */
export function createDispatcher(routes: readonly ApiRoute[]): Dispatcher {
  const answer = async (request: Request, method: string, pathname: string, observation: ApiObservation): Promise<[route: string, response: Response]> => {
    const matches = routes.filter((r) => r.pattern.test(pathname));
    if (matches.length === 0) {
      const requestId = requestIdOf(request);
      return [UNMATCHED, errorResponse(new ApiError(404, "not_found", "There is no such endpoint. The endpoints are listed at /api/openapi.json."), requestId)];
    }
    const template = matches[0]!.path;
    const allow = allowedMethods(matches).join(", ");
    const route = matches.find((r) => r.method === (method === "HEAD" ? "GET" : method));
    if (!route) {
      const requestId = requestIdOf(request);
      if (method === "OPTIONS")
        return [template, new Response(null, { status: 204, headers: { allow, "x-request-id": requestId, "x-content-type-options": "nosniff" } })];
      const usable = allowedMethods(matches).filter((m) => m !== "OPTIONS" && m !== "HEAD");
      return [
        template,
        errorResponse(new ApiError(405, "method_not_allowed", `${method} is not allowed here. Use ${usable.join(" or ")}.`, undefined, { allow }), requestId),
      ];
    }
    const params = (route.pattern.exec(pathname)?.groups ?? {}) as Record<string, string>;
    return [route.path, await route.handler(request, { params: Promise.resolve(params), observation })];
  };
  return async (request, method = request.method) => {
    const startedAt = performance.now();
    const observation: ApiObservation = { keyPrefix: null };
    const [route, response] = await answer(request, method, new URL(request.url).pathname, observation);
    // Every answer names its request, the open endpoints' too: the id the log line carries.
    if (!response.headers.has("x-request-id")) response.headers.set("x-request-id", requestIdOf(request));
    finishApiRequest(observation, method, route, response, startedAt);
    // A verified key's call, whatever its answer, counts in its usage (in memory; written in batches).
    if (observation.keyId)
      noteApiCall({ keyId: observation.keyId, route, status: response.status, permission: observation.permission ?? null }, Date.now(), getDb);
    return response;
  };
}

/** The route label of a path no endpoint has: one label for all of them, so a scan cannot swell the metrics. */
const UNMATCHED = "(unmatched)";

/** The production dispatcher. */
export const dispatchApi: Dispatcher = createDispatcher(API_ROUTES);
