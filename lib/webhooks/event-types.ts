/**
 * The event types an organisation's webhook endpoints can subscribe to (PRODUCT.md, "Signed event
 * stream"). Shared by server and browser; holds no secrets.
 */
export const WEBHOOK_EVENT_TYPES = [
  "key.created",
  "key.renewed",
  "key.regenerated",
  "key.deleted",
  "key.frozen",
  "key.leaked",
  "key.expiring",
  "member.invited",
  "member.role_changed",
  "member.removed",
  "payment.pending",
  "payment.approved",
  "payment.rejected",
  "credentials.rotated",
  "audit.refused",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent by "Send test event" alone, to the one endpoint asked; no endpoint subscribes to it. */
export const WEBHOOK_TEST_EVENT = "webhook.test";

export const WEBHOOK_EVENT_LABELS: Record<WebhookEventType, string> = {
  "key.created": "A key was created",
  "key.renewed": "A key was renewed",
  "key.regenerated": "A key's secret was regenerated",
  "key.deleted": "A key was deleted",
  "key.frozen": "A key froze (90 days without renewal)",
  "key.leaked": "A key was reported leaked and frozen",
  "key.expiring": "A key will freeze soon",
  "member.invited": "A member was invited",
  "member.role_changed": "A member's role changed",
  "member.removed": "A member was removed",
  "payment.pending": "A payment waits for approval",
  "payment.approved": "A payment was approved",
  "payment.rejected": "A payment was rejected",
  "credentials.rotated": "A client secret was rotated",
  "audit.refused": "The audit log recorded a refusal",
};

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}
