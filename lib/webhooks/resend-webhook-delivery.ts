import "server-only";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { webhookDeliveries } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { resendWebhookDeliverySchema } from "@/lib/schemas/webhooks";
import { destinationOf, loadDelivery } from "./shared";

/**
 * Sends one delivery's event to its endpoint again: a new pending delivery of the same event, so the
 * receiver sees the same `webhook-id` (and can tell it already has it). The original stays in the log.
 * No setting changes, so no PIN; audited. A disabled endpoint is refused.
 */
export const resendWebhookDelivery = defineCommand({
  action: "webhook.delivery_resend",
  target: { type: "webhook_delivery", id: (input) => input.deliveryId },
  requires: { permission: "webhooks:manage" },
  schema: resendWebhookDeliverySchema,
  load: async ({ db, actor, input, request }) => {
    const delivery = await loadDelivery(db, actor, input.deliveryId, "webhook.delivery_resend", request);
    if (delivery.endpointStatus !== "enabled") throw new DomainError("conflict", "This endpoint is disabled: enable it to resend.");
    return delivery;
  },
  run: ({ db, actor, request }, delivery) =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .insert(webhookDeliveries)
        .values({ orgId: actor.org.id, endpointId: delivery.endpointId, eventId: delivery.eventId })
        .returning({ id: webhookDeliveries.id });
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "webhook.delivery_resend",
        targetType: "webhook_delivery",
        targetId: delivery.id,
        outcome: "success",
        metadata: { destination: destinationOf(delivery.endpointUrl), eventId: delivery.eventId, newDelivery: row!.id },
      });
      return { deliveryId: row!.id, eventId: delivery.eventId };
    }),
});
