import "server-only";
import { randomUUID } from "node:crypto";
import { type DomainError, type DomainErrorCode, fieldErrorsFrom } from "@/lib/errors";

/** An API refusal in PRODUCT.md's shape: `{"error":{"code","message"}}`, with the failing fields for 422. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const BASE_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

/** The JSON text of an answer (money as bigint is written as a number). */
export function serialize(body: unknown): string {
  return JSON.stringify(body, (_, v) => (typeof v === "bigint" ? Number(v) : v));
}

/** An answer whose JSON text is already written, sent byte for byte (an idempotent replay). */
export function jsonText(text: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { ...BASE_HEADERS, ...headers } });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return jsonText(serialize(body), status, headers);
}

export function errorResponse(error: ApiError, requestId: string): Response {
  const body: { error: { code: string; message: string; fields?: Record<string, string>; requestId: string } } = {
    error: { code: error.code, message: error.message, requestId },
  };
  if (error.fields) body.error.fields = error.fields;
  return json(body, error.status, { "x-request-id": requestId, ...error.headers });
}

export function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given && /^[0-9a-f-]{36}$/.test(given) ? given : randomUUID();
}

/** The HTTP status a domain refusal gets in the bank API; anything not listed is a 422. */
const DOMAIN_STATUS: Partial<Record<DomainErrorCode, number>> = {
  not_found: 404,
  forbidden: 403,
  organisation_suspended: 403,
  conflict: 409,
  already_decided: 409,
  rate_limited: 429,
};

/** A domain refusal in the API's error shape: the same code and message the portal shows, with its fields. */
export function toApiError(error: DomainError): ApiError {
  return new ApiError(DOMAIN_STATUS[error.code] ?? 422, error.code, error.message, error.fieldErrors);
}

/** Turns a zod failure into a 422 naming each failing field. */
export function invalid(issues: readonly { path: readonly PropertyKey[]; message: string }[]): ApiError {
  const fields = fieldErrorsFrom(issues, { whole: "body" });
  return new ApiError(422, "invalid_request", `Invalid request: ${Object.keys(fields).join(", ")}`, fields);
}

/** Parses a JSON body already read as text; malformed JSON is a 422, never a 500. */
export function parseJsonBody(text: string, limitBytes = 64 * 1024): unknown {
  if (text.length > limitBytes) throw new ApiError(413, "payload_too_large", "The request body is too large.");
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(422, "invalid_request", "The request body is not valid JSON.", { body: "Send a JSON object" });
  }
}

/** Reads and parses a JSON body. */
export async function readJson(request: Request, limitBytes = 64 * 1024): Promise<unknown> {
  return parseJsonBody(await request.text(), limitBytes);
}
