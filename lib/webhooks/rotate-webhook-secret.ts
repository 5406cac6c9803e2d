import "server-only";
import { and, eq } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { webhookEndpoints } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { rotateWebhookSecretSchema } from "@/lib/schemas/webhooks";
import { generateWebhookSecret, sealWebhookSecret } from "./secret";
import { destinationOf, loadEndpoint } from "./shared";

/** How long the previous secret keeps signing after a rotation, so a receiver can switch without missing an event. */
export const PREVIOUS_SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

/**
 * Gives an endpoint a new signing secret, returned once, with the PIN. The previous one stays sealed
 * and signs beside it for 24 hours (both signatures are sent), then stops.
 */
export const rotateWebhookSecret = defineCommand({
  action: "webhook.secret_rotate",
  target: { type: "webhook_endpoint", id: (input) => input.endpointId },
  requires: { permission: "webhooks:manage" },
  schema: rotateWebhookSecretSchema,
  pin: true,
  load: ({ db, actor, input, request }) => loadEndpoint(db, actor, input.endpointId, "webhook.secret_rotate", request),
  run: async ({ db, actor, request }, endpoint) => {
    const secret = generateWebhookSecret();
    const previousSecretExpiresAt = new Date(Date.now() + PREVIOUS_SECRET_OVERLAP_MS);
    await db.transaction(async (tx) => {
      // Only if the secret is still the one read above: of two rotations at once, one wins.
      const [row] = await tx
        .update(webhookEndpoints)
        .set({
          secretSealed: sealWebhookSecret(secret, endpoint.id),
          secretLast4: secret.slice(-4),
          previousSecretSealed: endpoint.secretSealed,
          previousSecretExpiresAt,
          updatedAt: new Date(),
        })
        .where(and(eq(webhookEndpoints.id, endpoint.id), eq(webhookEndpoints.orgId, actor.org.id), eq(webhookEndpoints.secretSealed, endpoint.secretSealed)))
        .returning({ id: webhookEndpoints.id });
      if (!row) throw new DomainError("conflict", "The secret was rotated by someone else while you were confirming. Reload the page.");
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "webhook.secret_rotate",
        targetType: "webhook_endpoint",
        targetId: endpoint.id,
        outcome: "success",
        metadata: { destination: destinationOf(endpoint.url), previousValidUntil: previousSecretExpiresAt.toISOString() },
      });
    });
    return { secret, previousSecretExpiresAt };
  },
});
