"use server";

import { action } from "@/lib/auth/action";
import { rotateWebhookSecret } from "@/lib/webhooks/rotate-webhook-secret";

/** A new signing secret, shown once; the previous one signs beside it for 24 hours (PIN). */
export const rotateWebhookSecretAction = action(rotateWebhookSecret, {
  revalidate: [["/webhooks", "layout"]],
  result: (rotated) => ({ secret: rotated.secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt.toISOString() }),
});
