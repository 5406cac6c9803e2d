import "server-only";
import { and, eq } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { webhookEndpoints } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { setWebhookEndpointStatusSchema } from "@/lib/schemas/webhooks";
import { destinationOf, loadEndpoint } from "./shared";

const actionOf = (status: "enabled" | "disabled") => (status === "enabled" ? "webhook.endpoint_enable" : "webhook.endpoint_disable");

/**
 * Disables an endpoint (nothing more is sent to it) or enables it again, with the PIN. Enabling
 * starts it afresh: the reason it was disabled and the time it started failing are cleared.
 */
export const setWebhookEndpointStatus = defineCommand({
  action: (input) => actionOf(input.status),
  target: { type: "webhook_endpoint", id: (input) => input.endpointId },
  requires: { permission: "webhooks:manage" },
  schema: setWebhookEndpointStatusSchema,
  pin: true,
  load: async ({ db, actor, input, request }) => {
    const endpoint = await loadEndpoint(db, actor, input.endpointId, actionOf(input.status), request);
    if (endpoint.status === input.status) throw new DomainError("conflict", `That endpoint is already ${input.status}.`);
    return endpoint;
  },
  run: ({ db, actor, input, request }, endpoint) =>
    db.transaction(async (tx) => {
      const now = new Date();
      const change =
        input.status === "enabled"
          ? { status: "enabled", disabledReason: null, disabledAt: null, failingSince: null, updatedAt: now }
          : { status: "disabled", disabledReason: "manual", disabledAt: now, updatedAt: now };
      const [row] = await tx
        .update(webhookEndpoints)
        .set(change)
        .where(and(eq(webhookEndpoints.id, endpoint.id), eq(webhookEndpoints.orgId, actor.org.id), eq(webhookEndpoints.status, endpoint.status)))
        .returning({ id: webhookEndpoints.id });
      if (!row) throw new DomainError("conflict", "Someone else changed this endpoint while you were confirming. Reload the page.");
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: actionOf(input.status),
        targetType: "webhook_endpoint",
        targetId: endpoint.id,
        outcome: "success",
        metadata: {
          destination: destinationOf(endpoint.url),
          ...(input.status === "enabled" && endpoint.disabledReason ? { wasDisabled: endpoint.disabledReason } : {}),
        },
      });
      return { status: input.status };
    }),
});
