import "server-only";
import { getBalance, listAccounts, listStatements, listTransactions } from "./accounts";
import { benchAccountsUnverified, benchStats } from "./bench";
import { getCardCode, listCards, putCardCode } from "./cards";
import { createPayment, createTransfer, listPayments } from "./money";
import { issueToken } from "./oauth";
import { serveOpenApi } from "./openapi";

type Handler = (request: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Every bank API route once: served by the lean API server in production, and by app/api in `next dev`. */
export const API_ROUTES: { method: string; pattern: RegExp; handler: Handler }[] = [
  { method: "GET", pattern: /^\/api\/v1\/accounts$/, handler: listAccounts as Handler },
  { method: "GET", pattern: /^\/api\/v1\/accounts\/(?<id>[^/]+)\/balance$/, handler: getBalance as Handler },
  { method: "GET", pattern: /^\/api\/v1\/accounts\/(?<id>[^/]+)\/transactions$/, handler: listTransactions as Handler },
  { method: "GET", pattern: /^\/api\/v1\/accounts\/(?<id>[^/]+)\/statements$/, handler: listStatements as Handler },
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

/** Whether the path belongs to the bank API (checked before a request's body is read). */
export function isApiPath(pathname: string): boolean {
  return API_ROUTES.some((r) => r.pattern.test(pathname));
}

/** The response for a bank API request, or null when the path is not the bank API's. */
export async function dispatchApi(request: Request): Promise<Response | null> {
  const { pathname } = new URL(request.url);
  const matches = API_ROUTES.filter((r) => r.pattern.test(pathname));
  if (matches.length === 0) return null;
  const route = matches.find((r) => r.method === request.method);
  if (!route) {
    return new Response(JSON.stringify({ error: { code: "method_not_allowed", message: `Use ${matches.map((r) => r.method).join(" or ")}.` } }), {
      status: 405,
      headers: { "content-type": "application/json; charset=utf-8", allow: matches.map((r) => r.method).join(", ") },
    });
  }
  const params = (route.pattern.exec(pathname)?.groups ?? {}) as Record<string, string>;
  return route.handler(request, { params: Promise.resolve(params) });
}
