// The production server: the bank API's framework-free handlers on plain node:http (the hot path),
// and everything else — the portal — through Next's request handler, in one process. It writes one
// JSON log line per request, serves GET /metrics when METRICS_TOKEN is set, and shuts down
// gracefully on SIGTERM or SIGINT (README: Deploying).
import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import http from "node:http";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import next from "next";
import { API_BUNDLE } from "./lib/api-bundle.mjs";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME_BIND || undefined;
const MAX_BODY = 1024 * 1024;

const {
  API_ROUTES,
  BENCH_ROUTES,
  createDispatcher,
  dispatchApi,
  isApiPath,
  startJobTimer,
  resolveClientAddress,
  parseTrustedProxies,
  CLIENT_ADDRESS_HEADER,
  env,
  log,
  serveMetrics,
  portalRoutes,
  finishPortalRequest,
  elapsed,
  releaseResources,
  countRequestsInFlight,
  markDraining,
  flushLog,
} = await import(pathToFileURL(path.resolve(API_BUNDLE)).href);
const logger = log();
// The benchmark's routes (/api/bench/*) are in no production table: `npm run bench` starts this
// server with LATCHKEY_BENCH=1, and only then are they registered beside the production ones.
const dispatch = process.env.LATCHKEY_BENCH === "1" ? createDispatcher([...API_ROUTES, ...BENCH_ROUTES]) : dispatchApi;
const trustedProxies = parseTrustedProxies(process.env.LATCHKEY_TRUSTED_PROXIES);
const app = next({ dev: false, dir: process.cwd(), hostname: hostname ?? "localhost", port });
const handle = app.getRequestHandler();
await app.prepare();
const portalRouteOf = portalRoutes();

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" };

/** An answer in the API's error shape, for what never reaches a handler (a body too large, a request that cannot be parsed). */
function sendError(res, status, code, message, extra = {}) {
  if (res.headersSent) return res.destroy();
  const requestId = randomUUID();
  res.writeHead(status, { ...JSON_HEADERS, "x-request-id": requestId, ...extra });
  res.end(JSON.stringify({ error: { code, message, requestId } }));
}

class HttpFailure extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const SAFE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

// A body a little too large is read and dropped before the 413, so a client still writing it gets the
// answer rather than a broken pipe; past this, the connection is closed at once.
const DRAIN_LIMIT = 8 * MAX_BODY;
const tooLarge = () => new HttpFailure(413, "payload_too_large", "The request body is too large (at most 1 MiB).");

async function drain(req, already) {
  let size = already;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > DRAIN_LIMIT) break;
  }
  throw tooLarge();
}

async function readBody(req) {
  const declared = Number(req.headers["content-length"]);
  if (declared > DRAIN_LIMIT) throw tooLarge();
  if (declared > MAX_BODY) return drain(req, 0);
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) return drain(req, size);
    chunks.push(chunk);
  }
  return chunks.length ? Buffer.concat(chunks) : undefined;
}

// Methods the Fetch API will not carry in a Request; they reach the dispatcher as what they are.
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

async function toRequest(req) {
  // Read whatever body came, for every method: left unread, it would be parsed as the next request.
  const read = await readBody(req);
  const method = FORBIDDEN_METHODS.has(req.method) ? "GET" : req.method;
  const body = method === "GET" || method === "HEAD" ? undefined : read;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    try {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    } catch {
      // A header value the Fetch API refuses carries nothing a handler needs.
    }
  }
  // The host only names the origin in samples; a malformed one is not the caller's to inject.
  const host = SAFE_HOST.test(req.headers.host ?? "") ? req.headers.host : "localhost";
  let url;
  try {
    url = new URL(req.url ?? "/", `http://${host}`);
  } catch {
    throw new HttpFailure(400, "invalid_request", "The request target is not a valid path.");
  }
  return new Request(url, { method, headers, body });
}

async function send(res, response) {
  const headers = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
}

/**
 * Each portal request runs with a small store the session check marks when the database could not
 * answer (lib/auth/session-actor.ts); the error page Next then renders goes out as 503 Service
 * Unavailable with Retry-After, instead of Next's 500 — an outage, not a fault, and never a sign-out.
 */
const portalRequests = new AsyncLocalStorage();
globalThis[Symbol.for("latchkey.portalRequest")] = portalRequests;

/**
 * Portal requests Next is still handling. A page goes on rendering after its client has gone and its
 * connection closed, so a shutdown waits for these as well before it closes the database.
 */
const rendering = new Set();

function handlePortal(req, res, pathname, startedAt) {
  const store = { databaseUnavailable: false, userId: null };
  res.once("close", () =>
    finishPortalRequest({
      requestId: res.getHeader("x-request-id") ?? null,
      method: req.method,
      route: portalRouteOf(pathname),
      status: res.statusCode,
      startedAt,
      userId: store.userId,
    }),
  );
  let status = res.statusCode;
  Object.defineProperty(res, "statusCode", {
    configurable: true,
    enumerable: true,
    get: () => status,
    set(value) {
      status = value === 500 && store.databaseUnavailable ? 503 : value;
      if (status === 503 && !res.headersSent) res.setHeader("retry-after", "5");
    },
  });
  const rendered = portalRequests.run(store, () => handle(req, res));
  rendering.add(rendered);
  rendered.then(
    () => rendering.delete(rendered),
    () => rendering.delete(rendered),
  );
  return rendered;
}

/** The answer to GET /metrics (lib/observability/metrics-endpoint.ts), logged like any request. */
async function answerMetrics(req, res, startedAt) {
  try {
    const response = await serveMetrics(await toRequest(req));
    await send(res, response);
  } catch (error) {
    if (error instanceof HttpFailure) sendError(res, error.status, error.code, error.message);
    else sendError(res, 500, "internal_error", "Something went wrong on our side.");
  }
  logger.info({ method: req.method, route: "/metrics", status: res.statusCode, durationMs: elapsed(startedAt) }, "metrics request");
}

// Requests being answered, so a shutdown can tell them to close their connection when done.
const inFlight = new Set();
countRequestsInFlight(() => inFlight.size);
let stopping = false;

const server = http.createServer(async (req, res) => {
  const startedAt = performance.now();
  inFlight.add(res);
  res.once("close", () => inFlight.delete(res));
  if (stopping) res.setHeader("connection", "close");
  // The client's address, resolved here once from the socket (and trusted proxies only); whatever
  // a client sent in this header is replaced.
  req.headers[CLIENT_ADDRESS_HEADER] = resolveClientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustedProxies) ?? "";
  const pathname = (req.url ?? "/").split("?")[0];
  // Everything under /api/ is the bank API's to answer — never handed on to Next, whose page
  // renderer would wait for a body already read.
  if (pathname === "/metrics") return answerMetrics(req, res, startedAt);
  if (!isApiPath(pathname)) return handlePortal(req, res, pathname, startedAt);
  try {
    // The dispatcher writes the request's log line and metrics (lib/observability/requests.ts).
    await send(res, await dispatch(await toRequest(req), req.method));
  } catch (error) {
    // What never reached the dispatcher: a body too large, a target that is no path.
    if (error instanceof HttpFailure) sendError(res, error.status, error.code, error.message, error.status === 413 ? { connection: "close" } : {});
    else {
      logger.error({ error: error instanceof Error ? error.name : "unknown error" }, "api request failed");
      sendError(res, 500, "internal_error", "Something went wrong on our side.");
    }
    logger.info(
      { requestId: res.getHeader("x-request-id") ?? null, method: req.method, route: "(unread)", status: res.statusCode, durationMs: elapsed(startedAt) },
      "api request",
    );
  }
});

// A request Node cannot parse (bad method, header too large, malformed line) still gets a JSON answer.
server.on("clientError", (error, socket) => {
  if (!socket.writable || error.code === "ECONNRESET") return socket.destroy();
  const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const body = JSON.stringify({
    error: {
      code: status === 408 ? "request_timeout" : "invalid_request",
      message:
        status === 431 ? "The request headers are too large." : status === 408 ? "The request took too long to arrive." : "The request could not be parsed.",
    },
  });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\nx-content-type-options: nosniff\r\ncache-control: no-store\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
});
server.keepAliveTimeout = 65_000;
// A body trickled in slowly holds a socket for at most this long.
server.requestTimeout = 30_000;
server.headersTimeout = 20_000;
/**
 * LATCHKEY_CPU_PROF=dir (`npm run bench` with BENCH_CPU_PROF): a CPU profile of everything the server
 * does from listening to its shutdown, written into dir as a .cpuprofile (scripts/cpu-profile-top.mjs
 * summarises it). Never set in production.
 */
const profileDir = process.env.LATCHKEY_CPU_PROF;
let profiler = null;
async function startProfile() {
  profiler = new Session();
  profiler.connect();
  await profiler.post("Profiler.enable");
  await profiler.post("Profiler.start");
}
async function writeProfile() {
  if (!profiler) return;
  const { profile } = await profiler.post("Profiler.stop");
  mkdirSync(profileDir, { recursive: true });
  const file = path.join(profileDir, `server-${process.pid}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  logger.info({ file }, "cpu profile written");
}

server.listen(port, hostname, () => {
  if (profileDir) void startProfile();
  logger.info({ url: `http://localhost:${port}`, pid: process.pid, node: process.version }, "ready: portal and bank API");
  // Expiry reminders and e-mail delivery, every minute (LATCHKEY_JOBS_INTERVAL_SECONDS).
  startJobTimer();
});

/**
 * SIGTERM or SIGINT: stop accepting connections, let the requests in flight finish (their
 * connections close once answered; after LATCHKEY_SHUTDOWN_SECONDS the rest are cut), then finish
 * the job round under way, write the last-used times still in memory, close the database, exit 0.
 * A second signal changes nothing: `npm start` passes on the one a terminal already sent to both.
 */
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  // From now on /api/ready answers 503, so a proxy still sending here stops.
  markDraining();
  // A hard bound on the whole of it: should anything below hang (a database that stopped answering),
  // the process still ends, with a failure the supervisor sees.
  setTimeout(
    () => {
      logger.error("shutdown: not finished in time; exiting");
      flushLog();
      process.exit(1);
    },
    (env.LATCHKEY_SHUTDOWN_SECONDS + 10) * 1000,
  ).unref();
  logger.info({ signal, inFlight: inFlight.size }, "shutting down: no new connections; finishing the requests in flight");
  for (const res of inFlight) if (!res.headersSent) res.setHeader("connection", "close");
  const closed = new Promise((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // One bound for the requests and the pages still rendering alike, well inside the hard bound above.
  let timeUp = () => {};
  const outOfTime = new Promise((resolve) => {
    timeUp = resolve;
  });
  const deadline = setTimeout(() => {
    logger.warn({ inFlight: inFlight.size }, `shutdown: requests still in flight after ${env.LATCHKEY_SHUTDOWN_SECONDS} s; closing their connections`);
    server.closeAllConnections();
    timeUp();
  }, env.LATCHKEY_SHUTDOWN_SECONDS * 1000);
  await closed;
  // Pages whose clients left before their answer: Next finishes them (their queries included) first.
  await Promise.race([Promise.allSettled(rendering), outOfTime]);
  clearTimeout(deadline);
  await writeProfile();
  await releaseResources();
  process.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void shutdown(signal));
