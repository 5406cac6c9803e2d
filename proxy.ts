import { NextResponse, type NextRequest } from "next/server";
import { ACTION_BODY_MAX_BYTES, checkServerActionBody, validActionId } from "@/lib/http/server-action-body";

/**
 * Runs in front of every page. It only improves the experience — signed-out visitors go to the
 * sign-in page — and sets the request id and security headers. It is never the authorization
 * check: every page, action and handler checks the session itself (lib/auth/current.ts).
 */
/** /metrics checks its own bearer token (METRICS_TOKEN); a scraper has no session to redirect. */
const PUBLIC_PATHS = ["/sign-in", "/metrics"];
/** Invitation and set-up links: their one-time token is the visitor's credential. */
const PUBLIC_PREFIXES = ["/invite/", "/set-up/"];
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export async function proxy(request: NextRequest) {
  const requestId = crypto.randomUUID();
  const nonce = btoa(crypto.randomUUID());
  const dev = process.env.NODE_ENV === "development";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

  // A server action posted from another site is refused here, before Next runs it, with a clear
  // 403 — Next's own check would answer 500. Same origin: the Origin's host is the host the
  // browser addressed; a request without Origin must say Sec-Fetch-Site: same-origin.
  if (request.method === "POST" && request.headers.has("next-action")) {
    if (!sameOrigin(request)) {
      return refusal(403, "cross_site_request", "This request came from another site and was refused. Nothing was changed.", requestId);
    }
    // A body Next cannot decode would be its 500; it is the caller's mistake, so a 400 says so.
    const malformed = await malformedAction(request);
    if (malformed) return refusal(malformed.status, malformed.code, malformed.message, requestId);
  }

  const { pathname, search } = request.nextUrl;
  const signedIn = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (!signedIn && !PUBLIC_PATHS.includes(pathname) && !PUBLIC_PREFIXES.some((p) => pathname.startsWith(p))) {
    const target = new URL("/sign-in", request.url);
    if (pathname !== "/") target.searchParams.set("next", `${pathname}${search}`);
    return NextResponse.redirect(target);
  }

  const headers = new Headers(request.headers);
  headers.set("x-request-id", requestId);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("x-request-id", requestId);
  response.headers.set("content-security-policy", csp);
  return response;
}

function refusal(status: number, code: string, message: string, requestId: string): NextResponse {
  return new NextResponse(JSON.stringify({ error: { code, message, requestId } }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff", "x-request-id": requestId },
  });
}

/** Why a server-action request cannot be decoded (lib/http/server-action-body.ts), or null. */
async function malformedAction(request: NextRequest): Promise<{ status: number; code: string; message: string } | null> {
  if (!validActionId(request.headers.get("next-action")))
    return { status: 400, code: "invalid_action_request", message: "The Next-Action header does not name an action." };
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > ACTION_BODY_MAX_BYTES) return { status: 413, code: "payload_too_large", message: "The request body is too large (at most 1 MiB)." };
  let body: ArrayBuffer;
  try {
    body = await request.clone().arrayBuffer();
  } catch {
    return { status: 400, code: "invalid_action_request", message: "The request body could not be read." };
  }
  if (body.byteLength > ACTION_BODY_MAX_BYTES) return { status: 413, code: "payload_too_large", message: "The request body is too large (at most 1 MiB)." };
  const contentType = request.headers.get("content-type");
  const verdict = await checkServerActionBody(contentType, {
    text: async () => new TextDecoder("utf-8", { fatal: true }).decode(body),
    formData: () => new Response(body, { headers: { "content-type": contentType ?? "" } }).formData(),
  }).catch(() => ({ ok: false as const, reason: "The body is not valid UTF-8." }));
  return verdict.ok
    ? null
    : { status: 400, code: "invalid_action_request", message: `This request cannot be read as a server action. ${verdict.reason} Nothing was changed.` };
}

function sameOrigin(request: NextRequest): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return request.headers.get("sec-fetch-site") === "same-origin";
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return host !== null && new URL(origin).host === host;
  } catch {
    return false;
  }
}

export const config = {
  // Pages only: the bank API, static assets and Next internals are not behind the portal's sign-in.
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|webp|woff2?)$).*)"],
};
