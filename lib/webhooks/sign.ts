import "server-only";
import { Webhook } from "standardwebhooks";
import { openWebhookSecret } from "./secret";

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com), with the `standardwebhooks` package
 * — the specification's reference implementation — so a receiver verifies with any Standard
 * Webhooks library. `webhook-id` is the event's id: the same on every retry and for every endpoint.
 * `webhook-timestamp` is the attempt's time (receivers refuse old timestamps, so a retry is signed
 * anew). During the 24 hours after a rotation both secrets sign, space-separated.
 */

export interface WebhookEventForBody {
  type: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/** The JSON body: `{"type","timestamp","data"}` — the same bytes on every attempt. */
export function webhookBody(event: WebhookEventForBody): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt.toISOString(), data: event.payload });
}

/** The three Standard Webhooks headers, signed with every secret given (the current one first). */
export function signWebhook(input: { eventId: string; body: string; secrets: string[]; timestamp: Date }): Record<string, string> {
  if (input.secrets.length === 0) throw new Error("A webhook needs a secret to be signed with.");
  const signatures = input.secrets.map((secret) => new Webhook(secret).sign(input.eventId, input.timestamp, input.body));
  return {
    "webhook-id": input.eventId,
    "webhook-timestamp": String(Math.floor(input.timestamp.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}

export interface SigningEndpoint {
  id: string;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretExpiresAt: Date | null;
}

/** The secrets that sign for an endpoint now: its own, and its previous one until that expires. */
export function endpointSigningSecrets(endpoint: SigningEndpoint, now: Date): string[] {
  const secrets = [openWebhookSecret(endpoint.secretSealed, endpoint.id)];
  if (endpoint.previousSecretSealed && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt.getTime() > now.getTime())
    secrets.push(openWebhookSecret(endpoint.previousSecretSealed, endpoint.id));
  return secrets;
}

/** The headers for one attempt of one event to one endpoint. */
export function webhookHeaders(endpoint: SigningEndpoint, eventId: string, body: string, now: Date): Record<string, string> {
  return signWebhook({ eventId, body, secrets: endpointSigningSecrets(endpoint, now), timestamp: now });
}
