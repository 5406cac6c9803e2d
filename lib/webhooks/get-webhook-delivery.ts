import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { RequestInfo } from "@/lib/audit/record-event";
import type { Executor } from "@/lib/db";
import { webhookAttempts, webhookDeliveries, webhookEvents } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { getWebhookDeliverySchema } from "@/lib/schemas/webhooks";
import { authorizeWebhookRead, DELIVERY_NOT_FOUND, loadDelivery } from "./shared";

/** The most of a response body the portal shows (the runner stores no more). */
export const RESPONSE_BODY_SHOWN = 4096;

export interface WebhookAttemptView {
  id: string;
  attemptedAt: Date;
  durationMs: number;
  requestHeaders: Record<string, string>;
  requestBody: string;
  statusCode: number | null;
  responseBody: string | null;
  error: string | null;
}

export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  event: { id: string; type: string; occurredAt: Date };
  status: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  createdAt: Date;
  /** Every attempt, oldest first: the request as sent and the response as received (its body cut at 4 kB). */
  attemptLog: WebhookAttemptView[];
}

/** One delivery of the actor's organisation with its attempts; another organisation's is not found (audited). */
export async function getWebhookDelivery(db: Executor, actor: Actor, input: unknown, request: RequestInfo): Promise<WebhookDeliveryView> {
  const member = await authorizeWebhookRead(db, actor, input, "deliveryId", request);
  const parsed = getWebhookDeliverySchema.safeParse(input);
  if (!parsed.success) throw new NotFoundError(DELIVERY_NOT_FOUND);
  const found = await loadDelivery(db, member, parsed.data.deliveryId, "webhook.view", request);
  const [row] = await db
    .select({
      id: webhookDeliveries.id,
      endpointId: webhookDeliveries.endpointId,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      deliveredAt: webhookDeliveries.deliveredAt,
      createdAt: webhookDeliveries.createdAt,
      eventId: webhookEvents.id,
      eventType: webhookEvents.type,
      occurredAt: webhookEvents.occurredAt,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.id, found.id))
    .limit(1);
  if (!row) throw new NotFoundError(DELIVERY_NOT_FOUND);
  const attempts = await db
    .select({
      id: webhookAttempts.id,
      attemptedAt: webhookAttempts.attemptedAt,
      durationMs: webhookAttempts.durationMs,
      requestHeaders: webhookAttempts.requestHeaders,
      requestBody: webhookAttempts.requestBody,
      statusCode: webhookAttempts.statusCode,
      responseBody: webhookAttempts.responseBody,
      error: webhookAttempts.error,
    })
    .from(webhookAttempts)
    .where(eq(webhookAttempts.deliveryId, row.id))
    .orderBy(asc(webhookAttempts.attemptedAt), asc(webhookAttempts.id));
  return {
    id: row.id,
    endpointId: row.endpointId,
    event: { id: row.eventId, type: row.eventType, occurredAt: row.occurredAt },
    status: row.status as WebhookDeliveryView["status"],
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
    attemptLog: attempts.map((a) => ({ ...a, responseBody: a.responseBody === null ? null : a.responseBody.slice(0, RESPONSE_BODY_SHOWN) })),
  };
}
