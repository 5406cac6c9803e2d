"use server";

import { action } from "@/lib/auth/action";
import { regenerateKey } from "@/lib/keys/regenerate-key";

/** A new secret for the key; the old one stops at once or after the chosen overlap. The response carries the secret once. */
export const regenerateKeyAction = action(regenerateKey, {
  revalidate: [["/keys", "layout"]],
  result: ({ key, prefix, previousSecretExpiresAt }) => ({ key, prefix, previousSecretWorksUntil: previousSecretExpiresAt?.toISOString() ?? null }),
});
