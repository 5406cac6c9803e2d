import "server-only";
import { and, eq } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { webhookEndpoints } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { deleteWebhookEndpointSchema } from "@/lib/schemas/webhooks";
import { destinationOf, ENDPOINT_NOT_FOUND, loadEndpoint } from "./shared";

/** Deletes an endpoint with its delivery log, with the PIN: nothing more is sent to it, pending deliveries included. */
export const deleteWebhookEndpoint = defineCommand({
  action: "webhook.endpoint_delete",
  target: { type: "webhook_endpoint", id: (input) => input.endpointId },
  requires: { permission: "webhooks:manage" },
  schema: deleteWebhookEndpointSchema,
  pin: true,
  load: ({ db, actor, input, request }) => loadEndpoint(db, actor, input.endpointId, "webhook.endpoint_delete", request),
  run: ({ db, actor, request }, endpoint) =>
    db.transaction(async (tx) => {
      const [removed] = await tx
        .delete(webhookEndpoints)
        .where(and(eq(webhookEndpoints.id, endpoint.id), eq(webhookEndpoints.orgId, actor.org.id)))
        .returning({ id: webhookEndpoints.id });
      if (!removed) throw new NotFoundError(ENDPOINT_NOT_FOUND);
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "webhook.endpoint_delete",
        targetType: "webhook_endpoint",
        targetId: endpoint.id,
        outcome: "success",
        metadata: { destination: destinationOf(endpoint.url) },
      });
    }),
});
