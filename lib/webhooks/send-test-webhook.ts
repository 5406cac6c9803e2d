import "server-only";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { DomainError } from "@/lib/errors";
import { sendTestWebhookSchema } from "@/lib/schemas/webhooks";
import { WEBHOOK_TEST_EVENT } from "./event-types";
import { enqueueWebhookEvent } from "./outbox";
import { destinationOf, loadEndpoint } from "./shared";

/**
 * Sends a `webhook.test` event to this one endpoint (no other receives it), delivered and logged like
 * any event. Changes no setting, so no PIN; audited. A disabled endpoint is refused: nothing is sent to it.
 */
export const sendTestWebhook = defineCommand({
  action: "webhook.test_send",
  target: { type: "webhook_endpoint", id: (input) => input.endpointId },
  requires: { permission: "webhooks:manage" },
  schema: sendTestWebhookSchema,
  load: async ({ db, actor, input, request }) => {
    const endpoint = await loadEndpoint(db, actor, input.endpointId, "webhook.test_send", request);
    if (endpoint.status !== "enabled") throw new DomainError("conflict", "This endpoint is disabled: enable it to send a test event.");
    return endpoint;
  },
  run: ({ db, actor, request }, endpoint) =>
    db.transaction(async (tx) => {
      const eventId = await enqueueWebhookEvent(tx, {
        orgId: actor.org.id,
        type: WEBHOOK_TEST_EVENT,
        data: { endpointId: endpoint.id, organisation: { id: actor.org.id, name: actor.org.name }, message: "A test event sent from the Latchkey portal." },
        endpointIds: [endpoint.id],
      });
      if (!eventId) throw new DomainError("conflict", "This endpoint is disabled: enable it to send a test event.");
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "webhook.test_send",
        targetType: "webhook_endpoint",
        targetId: endpoint.id,
        outcome: "success",
        metadata: { destination: destinationOf(endpoint.url), eventId },
      });
      return { eventId };
    }),
});
