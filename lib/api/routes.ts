import "server-only";
import { getBalance, listAccounts, listStatements, listTransactions } from "./accounts";
import { benchAccountsUnverified, benchStats } from "./bench";
import { getCardCode, listCards, putCardCode } from "./cards";
import { ApiError, errorResponse, requestIdOf } from "./http";
import { createPayment, createTransfer, listPayments } from "./money";
import { issueToken } from "./oauth";
import { getTaxCertificatePdf, listTaxCertificates } from "./tax-certificates";
import { serveOpenApi } from "./openapi";

type Handler = (request: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>;

/**
 * Every bank API route, once: the one registry. The production server dispatches to it on plain
 * node:http; under `next dev`, app/api/[...path]/route.ts hands every request to the same dispatcher.
 */
export const API_ROUTES: { method: string; pattern: RegExp; handler: Handler }[] = [
  { method: "GET", pattern: /^\/api\/v1\/accounts$/, handler: listAccounts as Handler },
  { method: "GET", pattern: /^\/api\/v1\/accounts\/(?<id>[^/]+)\/balance$/, handler: getBalance as Handler },
  { method: "GET", pattern: /^\/api\/v1\/accounts\/(?<id>[^/]+)\/transactions$/, handler: listTransactions as Handler },
  { method: "GET", pattern: /^\/api\/v1\/accounts\/(?<id>[^/]+)\/statements$/, handler: listStatements as Handler },
  { method: "GET", pattern: /^\/api\/v1\/accounts\/(?<id>[^/]+)\/tax-certificates$/, handler: listTaxCertificates as Handler },
  { method: "GET", pattern: /^\/api\/v1\/accounts\/(?<id>[^/]+)\/tax-certificates\/(?<certId>[^/]+)$/, handler: getTaxCertificatePdf as Handler },
  { method: "POST", pattern: /^\/api\/v1\/accounts\/(?<id>[^/]+)\/transfers$/, handler: createTransfer as Handler },
  { method: "GET", pattern: /^\/api\/v1\/accounts\/(?<id>[^/]+)\/payments$/, handler: listPayments as Handler },
  { method: "POST", pattern: /^\/api\/v1\/accounts\/(?<id>[^/]+)\/payments$/, handler: createPayment as Handler },
  { method: "GET", pattern: /^\/api\/v1\/cards$/, handler: listCards as Handler },
  { method: "GET", pattern: /^\/api\/v1\/cards\/(?<id>[^/]+)\/code$/, handler: getCardCode as Handler },
  { method: "PUT", pattern: /^\/api\/v1\/cards\/(?<id>[^/]+)\/code$/, handler: putCardCode as Handler },
  { method: "POST", pattern: /^\/api\/oauth2\/token$/, handler: issueToken as Handler },
  { method: "GET", pattern: /^\/api\/openapi\.json$/, handler: serveOpenApi as Handler },
  { method: "GET", pattern: /^\/api\/bench\/accounts-unverified$/, handler: benchAccountsUnverified as Handler },
  { method: "GET", pattern: /^\/api\/bench\/stats$/, handler: benchStats as Handler },
];

/** Whether the path belongs to the bank API: everything under /api/, answered by it alone. */
export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

/** The methods a path answers to; HEAD wherever GET is. */
function allowedMethods(routes: typeof API_ROUTES): string[] {
  const methods = new Set(routes.map((r) => r.method));
  if (methods.has("GET")) methods.add("HEAD");
  methods.add("OPTIONS");
  return [...methods];
}

/**
 * Every request under /api/ gets its answer here, at once and in PRODUCT.md's JSON shape: the
 * route's handler, 404 `not_found` for a path no route has, 405 `method_not_allowed` with `Allow`
 * for a method the path does not take, and 204 with `Allow` for OPTIONS.
 */
export async function dispatchApi(request: Request, method: string = request.method): Promise<Response> {
  const requestId = requestIdOf(request);
  const { pathname } = new URL(request.url);
  const matches = API_ROUTES.filter((r) => r.pattern.test(pathname));
  if (matches.length === 0) {
    return errorResponse(new ApiError(404, "not_found", "There is no such endpoint. The endpoints are listed at /api/openapi.json."), requestId);
  }
  const allow = allowedMethods(matches).join(", ");
  const route = matches.find((r) => r.method === (method === "HEAD" ? "GET" : method));
  if (!route) {
    if (method === "OPTIONS") return new Response(null, { status: 204, headers: { allow, "x-request-id": requestId, "x-content-type-options": "nosniff" } });
    const usable = allowedMethods(matches).filter((m) => m !== "OPTIONS" && m !== "HEAD");
    return errorResponse(new ApiError(405, "method_not_allowed", `${method} is not allowed here. Use ${usable.join(" or ")}.`, undefined, { allow }), requestId);
  }
  const params = (route.pattern.exec(pathname)?.groups ?? {}) as Record<string, string>;
  return route.handler(request, { params: Promise.resolve(params) });
}
