import "server-only";
import http from "node:http";
import https from "node:https";
import type { LookupAddress, LookupOptions } from "node:dns";
import { isIP } from "node:net";
import { ipLiteral, refusedAddress, type Resolver, systemResolver } from "./destination";

/**
 * One webhook POST. It connects only to an address it checked itself at connect time: the socket's
 * DNS lookup is ours — it resolves the host, refuses the request if any answer is a refused
 * address (destination.ts), and hands the socket the address it checked — so a DNS answer that
 * changes between the endpoint's check and the connection (DNS rebinding) cannot get through. TLS
 * still names the host (SNI, certificate check) and so does the Host header. Redirects are never
 * followed (a 3xx is a failed attempt); the whole exchange is cut at 10 seconds; at most 4 kB of
 * the response is read, then the connection is closed.
 */

export const WEBHOOK_TIMEOUT_MS = 10_000;
export const MAX_RESPONSE_BYTES = 4096;

export interface SendResult {
  /** The receiver's HTTP status, or null when no response came (refused, unreachable, timed out). */
  statusCode: number | null;
  /** At most 4 kB of the response body (UTF-8), or null when no response came. */
  responseBody: string | null;
  durationMs: number;
  /** Why the attempt failed, in words; null for a 2xx. */
  error: string | null;
}

export interface SendOptions {
  timeoutMs?: number;
  resolve?: Resolver;
}

class RefusedDestination extends Error {}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for the socket that resolves with `resolve`, checks every answer, and hands over only a checked address. */
export function checkedLookup(resolve: Resolver) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    resolve(hostname).then(
      (answers) => {
        const wanted = options.family === 4 || options.family === 6 ? answers.filter((a) => a.family === options.family) : answers;
        if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname} does not resolve to an address.`), { code: "ENOTFOUND" }), "");
        for (const answer of wanted) {
          const refused = refusedAddress(answer.address);
          if (refused) return callback(new RefusedDestination(`${hostname} resolves to ${answer.address}. ${refused}`), "");
        }
        const checked = wanted.map((a) => ({ address: a.address, family: a.family || isIP(a.address) }));
        if (options.all) return callback(null, checked);
        return callback(null, checked[0]!.address, checked[0]!.family);
      },
      () => callback(Object.assign(new Error(`${hostname} does not resolve to an address.`), { code: "ENOTFOUND" }), ""),
    );
  };
}

function describeError(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `No complete answer within ${timeoutMs / 1000} seconds.`;
  if (error instanceof RefusedDestination) return error.message;
  const e = error as NodeJS.ErrnoException;
  if (e?.code === "ECONNREFUSED") return "The connection was refused.";
  if (e?.code === "ENOTFOUND") return e.message;
  if (e?.code === "ECONNRESET") return "The connection was reset.";
  return e?.message ? `The request failed: ${e.message}` : "The request failed.";
}

export async function sendWebhook(url: string | URL, headers: Record<string, string>, body: string, options: SendOptions = {}): Promise<SendResult> {
  const target = typeof url === "string" ? new URL(url) : url;
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (error: string, statusCode: number | null = null, responseBody: string | null = null): SendResult => ({
    statusCode,
    responseBody,
    durationMs: elapsed(),
    error,
  });

  if (target.protocol !== "https:" && target.protocol !== "http:") return failed("Only http(s) URLs are sent to.");
  // An IP address in the URL is never looked up, so it is checked here.
  const literal = ipLiteral(target.hostname);
  if (literal) {
    const refused = refusedAddress(literal);
    if (refused) return failed(refused);
  }

  const client = target.protocol === "https:" ? https : http;
  const payload = Buffer.from(body, "utf8");
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    let timedOut = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = client.request(target, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers, "content-length": String(payload.length) },
      lookup: checkedLookup(options.resolve ?? systemResolver) as never,
      agent: false,
    });
    const timer = setTimeout(() => {
      timedOut = true;
      request.destroy(new Error("timeout"));
    }, timeoutMs);
    request.on("error", (error) => finish(failed(describeError(error, timedOut, timeoutMs))));
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const text = Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString("utf8");
        const status = response.statusCode ?? 0;
        let error: string | null = null;
        if (status >= 300 && status < 400) error = `The receiver answered ${status} (a redirect); redirects are not followed.`;
        else if (status < 200 || status >= 300) error = `The receiver answered ${status}.`;
        finish({ statusCode: status, responseBody: text, durationMs: elapsed(), error });
        response.destroy();
        request.destroy();
      };
      response.on("data", (chunk: Buffer) => {
        if (settled) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_RESPONSE_BYTES) done();
      });
      response.on("end", done);
      response.on("error", (error) => {
        if (timedOut) finish(failed(describeError(error, true, timeoutMs), response.statusCode ?? null));
        else done();
      });
      response.on("aborted", () => {
        if (timedOut) finish(failed(describeError(null, true, timeoutMs), response.statusCode ?? null));
      });
    });
    request.end(payload);
  });
}
