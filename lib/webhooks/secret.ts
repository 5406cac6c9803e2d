import "server-only";
import { randomBytes } from "node:crypto";
import { keyFor, sealWith, unsealWith } from "@/lib/security/seal";

// Stand-in until the delivery core lands: same API, sealed with AES-256-GCM bound to the endpoint.
const PURPOSE = "webhook secret";
let fallback: Buffer | undefined;
const key = () => keyFor(PURPOSE) ?? (fallback ??= randomBytes(32));

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

export function sealWebhookSecret(secret: string, endpointId: string): string {
  return sealWith(key(), secret, `webhook_endpoint:${endpointId}`);
}

export function openWebhookSecret(sealed: string, endpointId: string): string {
  return unsealWith(key(), sealed, `webhook_endpoint:${endpointId}`);
}
