import "server-only";
import { randomUUID } from "node:crypto";
import { count, eq } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { organisations, webhookEndpoints } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { addWebhookEndpointSchema, WEBHOOK_ENDPOINTS_MAX } from "@/lib/schemas/webhooks";
import { checkWebhookUrl } from "./destination";
import { generateWebhookSecret, sealWebhookSecret } from "./secret";
import { destinationOf } from "./shared";

const TOO_MANY = `An organisation can have ${WEBHOOK_ENDPOINTS_MAX} webhook endpoints. Delete one you no longer use first.`;

/**
 * Adds a webhook endpoint (URL, the event types it wants, a description), with the PIN. Its signing
 * secret is returned once and stored only sealed, bound to the endpoint's id — which is chosen here,
 * before the row exists, so the secret can be sealed to it. The URL must pass the destination check
 * (https, no private address) naming the `url` field; an organisation has at most 10 endpoints.
 */
export const addWebhookEndpoint = defineCommand({
  action: "webhook.endpoint_add",
  target: { type: "webhook_endpoint" },
  requires: { permission: "webhooks:manage" },
  schema: addWebhookEndpointSchema,
  lists: ["eventTypes"],
  pin: true,
  load: async ({ db, actor, input, request }) => {
    const checked = await checkWebhookUrl(input.url);
    if (!checked.ok) {
      await recordAuditEvent(db, {
        ...actorFields(actor, request),
        action: "webhook.endpoint_add",
        targetType: "webhook_endpoint",
        outcome: "denied",
        metadata: { reason: "destination_refused" },
      });
      throw new DomainError("invalid_request", "Check the highlighted fields.", { url: checked.message });
    }
    const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.orgId, actor.org.id));
    if (n >= WEBHOOK_ENDPOINTS_MAX) throw new DomainError("conflict", TOO_MANY);
    return checked.url;
  },
  run: ({ db, actor, input, request }) =>
    db.transaction(async (tx) => {
      // One add at a time per organisation, so two at once cannot pass the limit together.
      await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, actor.org.id)).for("update");
      const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.orgId, actor.org.id));
      if (n >= WEBHOOK_ENDPOINTS_MAX) throw new DomainError("conflict", TOO_MANY);
      const id = randomUUID();
      const secret = generateWebhookSecret();
      const [row] = await tx
        .insert(webhookEndpoints)
        .values({
          id,
          orgId: actor.org.id,
          url: input.url,
          description: input.description,
          eventTypes: input.eventTypes,
          secretSealed: sealWebhookSecret(secret, id),
          secretLast4: secret.slice(-4),
          createdBy: actor.user.id,
        })
        .returning({ id: webhookEndpoints.id, url: webhookEndpoints.url, eventTypes: webhookEndpoints.eventTypes });
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "webhook.endpoint_add",
        targetType: "webhook_endpoint",
        targetId: id,
        outcome: "success",
        metadata: { destination: destinationOf(input.url), eventTypes: input.eventTypes.join(", ") },
      });
      return { id: row!.id, url: row!.url, eventTypes: row!.eventTypes, secret };
    }),
});
