import "server-only";
import { randomBytes } from "node:crypto";
import { env } from "@/lib/env";
import { keyFor, sealingKey, sealWith, unsealWith } from "@/lib/security/seal";

/**
 * Webhook signing secrets: `whsec_` + base64 of 24 random bytes, as Standard Webhooks expects. Signing
 * needs the secret back, so it is kept sealed (AES-256-GCM, lib/security/seal.ts) under a key derived
 * from LATCHKEY_ENCRYPTION_KEY — or, when that is unset, from AUTH_SECRET (the one in the environment,
 * or the one `npm start` generated into the data folder). The sealed value is bound to its endpoint:
 * copied onto another endpoint's row, it does not open.
 */

const PURPOSE = "webhook_endpoints.secret";
const SECRET_PREFIX = "whsec_";
const context = (endpointId: string) => JSON.stringify(["webhook_endpoints", endpointId]);

let cached: { from: string; key: Buffer } | undefined;

function webhookSealingKey(): Buffer {
  const own = env.LATCHKEY_ENCRYPTION_KEY;
  if (own) {
    if (cached?.from !== own) cached = { from: own, key: sealingKey(own, PURPOSE) };
    return cached.key;
  }
  const key = keyFor(PURPOSE);
  if (!key) throw new Error("Neither LATCHKEY_ENCRYPTION_KEY nor AUTH_SECRET is set: webhook signing secrets cannot be sealed.");
  return key;
}

/** A new signing secret, `whsec_` + base64 of 24 random bytes. Show it once; store only its seal. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString("base64");
}

/** The secret sealed for one endpoint's row. */
export function sealWebhookSecret(secret: string, endpointId: string): string {
  return sealWith(webhookSealingKey(), secret, context(endpointId));
}

/** The secret of one endpoint's row; throws SealError when it was altered, moved or sealed under another key. */
export function openWebhookSecret(sealed: string, endpointId: string): string {
  return unsealWith(webhookSealingKey(), sealed, context(endpointId));
}
