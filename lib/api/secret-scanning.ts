import "server-only";
import { verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import { getDb, type Database } from "@/lib/db";
import { env } from "@/lib/env";
import { clientIp } from "@/lib/http/client-ip";
import { freezeLeakedKeys, type LeakSighting } from "@/lib/keys/freeze-leaked-keys";
import { checkApiKeyFormat } from "@/lib/keys/key-format";
import { sha256Hex } from "@/lib/security/hashing";
import { parseSecretScanningKeys } from "@/lib/security/secret-scanning-keys";
import { enforceLimit, failure } from "./handler";
import { ApiError, invalid, json, requestIdOf } from "./http";

/** The most tokens one report may carry. */
export const MAX_LEAKED_TOKENS = 100;
/** The largest report read: 100 tokens at their longest fields, JSON-escaped, fit well under it. */
export const LEAK_REPORT_BODY_LIMIT = 512 * 1024;
/** Reports accepted per minute from one address, once signed. */
export const LEAK_REPORTS_PER_MINUTE = 120;

const CONTROL = /[\u0000-\u001f\u007f]/;
const text = (max: number) =>
  z
    .string({ error: "Must be a string" })
    .max(max, `At most ${max} characters`)
    .refine((value) => !CONTROL.test(value), "Must not contain control characters");

const leakReportSchema = z
  .array(
    z.object({
      token: text(200).min(1, "Must not be empty"),
      type: text(100),
      url: text(2048).nullish(),
      source: text(100).nullish(),
    }),
    { error: "Send a JSON array of {token, type, url, source}" },
  )
  .min(1, "Send at least one token")
  .max(MAX_LEAKED_TOKENS, `Send at most ${MAX_LEAKED_TOKENS} tokens a request`);

export interface LeakLabel {
  token_hash: string;
  token_type: string;
  label: "true_positive" | "false_positive";
}

let configuredKeys: Map<string, KeyObject> | null | undefined;

/** The partners' public keys from LATCHKEY_SECRET_SCANNING_KEYS (validated at start-up), or null when unset. */
function partnerKeys(): Map<string, KeyObject> | null {
  configuredKeys ??= env.LATCHKEY_SECRET_SCANNING_KEYS ? parseSecretScanningKeys(env.LATCHKEY_SECRET_SCANNING_KEYS) : null;
  return configuredKeys;
}

/** The body as bytes, refused with 413 past `limit` — announced or streamed — without reading further. */
async function readBodyBytes(request: Request, limit: number): Promise<Buffer> {
  const tooLarge = () => new ApiError(413, "payload_too_large", `The report is too large: at most ${limit} bytes and ${MAX_LEAKED_TOKENS} tokens.`);
  const announced = Number(request.headers.get("content-length"));
  if (Number.isFinite(announced) && announced > limit) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * The partner whose key signed these very bytes: ECDSA P-256 over SHA-256, the signature base64 DER
 * in `x-signature`, the key named by `x-signature-key-id`. Checked before the body is parsed and
 * before the database is touched; any fault is the same 401.
 */
function verifiedPartner(headers: Headers, body: Buffer, keys: Map<string, KeyObject>): string {
  const refused = new ApiError(
    401,
    "invalid_signature",
    "The report's signature is missing or wrong: sign the body with ECDSA P-256/SHA-256, base64 DER in x-signature, the key's id in x-signature-key-id.",
  );
  const keyId = headers.get("x-signature-key-id") ?? "";
  const signature = headers.get("x-signature") ?? "";
  const key = keys.get(keyId);
  if (!key || !/^[A-Za-z0-9+/]{8,200}={0,2}$/.test(signature)) throw refused;
  let valid = false;
  try {
    valid = verify("sha256", body, key, Buffer.from(signature, "base64"));
  } catch {
    valid = false;
  }
  if (!valid) throw refused;
  return keyId;
}

function parseReport(body: Buffer) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new ApiError(422, "invalid_request", "The report is not valid JSON.", { body: "Send a JSON array of {token, type, url, source}" });
  }
  const result = leakReportSchema.safeParse(parsed);
  if (!result.success) throw invalid(result.error.issues);
  return result.data;
}

/**
 * POST /api/secret-scanning/report — a secret-scanning partner tells us where it found tokens. The
 * signature is verified over the raw bytes first; then every token that is a live Latchkey key — its
 * format and checksum right, its hash a key's current secret or overlapping old one — is frozen as
 * leaked in one transaction with its audit rows and its holders' notifications. Every token is
 * labelled, in the order sent: a token whose checksum fails costs no lookup at all.
 */
export async function handleLeakReport(request: Request, options: { db?: Database; keys?: Map<string, KeyObject> | null } = {}): Promise<Response> {
  const requestId = requestIdOf(request);
  try {
    const keys = options.keys === undefined ? partnerKeys() : options.keys;
    if (!keys) throw new ApiError(404, "not_found", "Leak reports are not configured on this server (LATCHKEY_SECRET_SCANNING_KEYS is unset).");
    const contentType = request.headers.get("content-type") ?? "";
    if (!/^application\/json\s*(;|$)/i.test(contentType)) throw new ApiError(415, "unsupported_media_type", "Send the report as application/json.");
    const body = await readBodyBytes(request, LEAK_REPORT_BODY_LIMIT);
    const partner = verifiedPartner(request.headers, body, keys);
    const ip = clientIp(request.headers);
    await enforceLimit(`leak:ip:${ip ?? "unknown"}`, LEAK_REPORTS_PER_MINUTE, "Too many leak reports from this address. Slow down and retry.");
    const tokens = parseReport(body);

    const sightings: LeakSighting[] = tokens
      .filter((t) => checkApiKeyFormat(t.token))
      .map((t) => ({ secretHash: sha256Hex(t.token), url: t.url ?? null, source: t.source ?? null, tokenType: t.type }));
    let found = new Set<string>();
    if (sightings.length > 0) {
      ({ found } = await freezeLeakedKeys(options.db ?? getDb(), sightings, { partner }, { ip, requestId }));
    }
    const labels: LeakLabel[] = tokens.map((t) => {
      const tokenHash = sha256Hex(t.token);
      return { token_hash: tokenHash, token_type: t.type, label: found.has(tokenHash) ? "true_positive" : "false_positive" };
    });
    return json(labels, 200, { "x-request-id": requestId });
  } catch (error) {
    return failure(error, requestId);
  }
}

/** The route's handler: the process's database and the configured partners' keys. */
export const reportLeakedTokens = (request: Request) => handleLeakReport(request);
