// The production server: the bank API's framework-free handlers on plain node:http (the hot path),
// and everything else — the portal — through Next's request handler, in one process.
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import next from "next";
import { API_BUNDLE } from "./lib/api-bundle.mjs";

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME_BIND || undefined;
const MAX_BODY = 1024 * 1024;

const { dispatchApi, isApiPath, startJobTimer } = await import(pathToFileURL(path.resolve(API_BUNDLE)).href);
const app = next({ dev: false, dir: process.cwd(), hostname: hostname ?? "localhost", port });
const handle = app.getRequestHandler();
await app.prepare();

async function toRequest(req) {
  const chunks = [];
  let size = 0;
  if (req.method !== "GET" && req.method !== "HEAD") {
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY) throw Object.assign(new Error("body too large"), { status: 413 });
      chunks.push(chunk);
    }
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  // As Next's server does: without a proxy in front, the client is the socket's peer.
  if (!headers.has("x-forwarded-for") && req.socket.remoteAddress) headers.set("x-forwarded-for", req.socket.remoteAddress);
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, {
    method: req.method,
    headers,
    body: chunks.length ? Buffer.concat(chunks) : undefined,
  });
}

async function send(res, response) {
  const headers = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

const server = http.createServer(async (req, res) => {
  const pathname = (req.url ?? "/").split("?")[0];
  if (!isApiPath(pathname)) return handle(req, res);
  try {
    const response = await dispatchApi(await toRequest(req));
    if (response) return await send(res, response);
    return handle(req, res);
  } catch (error) {
    const status = error?.status === 413 ? 413 : 500;
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
    res.end(JSON.stringify({ error: { code: status === 413 ? "invalid_request" : "internal_error", message: status === 413 ? "The request body is too large." : "Something went wrong on our side." } }));
  }
});
server.keepAliveTimeout = 65_000;
server.listen(port, hostname, () => {
  console.log(`✓ Ready: portal and bank API on http://localhost:${port}`);
  // Expiry reminders and e-mail delivery, every minute (LATCHKEY_JOBS_INTERVAL_SECONDS).
  startJobTimer();
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
