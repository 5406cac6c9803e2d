import "server-only";
import { log } from "./log";
import { countValidKeyCheck, metrics } from "./metrics";

/**
 * One JSON log line and the metrics of each request: the request id the answer carries, the method,
 * the route template (never the path itself, which may hold an id or a one-time token), the status,
 * the duration and who called — the key's prefix for the bank API, the member's user id for the
 * portal. Nothing else from the request is ever read here.
 */
/**
 * A bank API request's log line in the making: the dispatcher starts it and hands it to the route's
 * handler, whose door names the key (its public prefix) once verified — and, for the key's usage
 * counts, the key's id and the permission that let the call through.
 */
export interface ApiObservation {
  keyPrefix: string | null;
  /** The verified key's id, once the door knows it (a later refusal still counts against it). */
  keyId?: string;
  /** The permission the call passed the check of; unset when it was refused before or at that check. */
  permission?: string;
}

/** Milliseconds since `startedAt` (a performance.now() reading), to a tenth: every log line's durationMs. */
export const elapsed = (startedAt: number) => Math.round((performance.now() - startedAt) * 10) / 10;

export function finishApiRequest(observation: ApiObservation, method: string, route: string, response: Response, startedAt: number): void {
  const durationMs = elapsed(startedAt);
  const status = response.status;
  const m = metrics();
  m.apiRequests.inc({ route, status: String(status) });
  m.apiDuration.observe({ route }, durationMs / 1000);
  const line = { requestId: response.headers.get("x-request-id"), method, route, status, durationMs, keyPrefix: observation.keyPrefix };
  if (status >= 500) log().error(line, "api request");
  else log().info(line, "api request");
}

export interface PortalRequestLine {
  requestId: string | null;
  method: string;
  route: string;
  status: number;
  startedAt: number;
  userId: string | null;
}

export function finishPortalRequest({ startedAt, ...fields }: PortalRequestLine): void {
  const durationMs = elapsed(startedAt);
  const m = metrics();
  m.portalRequests.inc({ route: fields.route, status: String(fields.status) });
  m.portalDuration.observe({ route: fields.route }, durationMs / 1000);
  const line = { ...fields, durationMs };
  if (fields.status >= 500) log().error(line, "portal request");
  else log().info(line, "portal request");
}

/** A key check at the API's door: valid, or the refusal's kind. */
export function countKeyVerification(outcome: string): void {
  if (outcome === "valid") countValidKeyCheck();
  else metrics().keyVerifications.inc({ outcome });
}
