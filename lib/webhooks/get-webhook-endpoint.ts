import "server-only";
import { and, count, desc, eq, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { RequestInfo } from "@/lib/audit/record-event";
import type { Executor } from "@/lib/db";
import { webhookAttempts, webhookDeliveries, webhookEvents } from "@/lib/db/schema";
import { NotFoundError, parseOrThrow } from "@/lib/errors";
import { getWebhookEndpointSchema, WEBHOOK_DELIVERIES_PAGE_SIZE } from "@/lib/schemas/webhooks";
import { authorizeWebhookRead, ENDPOINT_NOT_FOUND, loadEndpoint } from "./shared";

export interface WebhookDeliveryRow {
  id: string;
  eventId: string;
  eventType: string;
  createdAt: Date;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  /** How long the newest attempt took, in milliseconds. */
  lastDurationMs: number | null;
}

export interface WebhookEndpointView {
  endpoint: {
    id: string;
    url: string;
    description: string;
    eventTypes: string[];
    secretLast4: string;
    /** Until when the previous secret still signs, after a rotation; null when it no longer does. */
    previousSecretUntil: Date | null;
    status: "enabled" | "disabled";
    disabledReason: "manual" | "gone" | "failing" | null;
    disabledAt: Date | null;
    failingSince: Date | null;
    createdAt: Date;
  };
  deliveries: { rows: WebhookDeliveryRow[]; total: number; page: number; pageSize: number };
}

/**
 * One endpoint of the actor's organisation with a page of its delivery log, newest first (time,
 * event type, status, attempts, last response code and duration). Never its secret — only the last
 * four characters. Another organisation's endpoint, or an id that is not one, is not found (the
 * former audited).
 */
export async function getWebhookEndpoint(db: Executor, actor: Actor, input: unknown, request: RequestInfo, now = new Date()): Promise<WebhookEndpointView> {
  const member = await authorizeWebhookRead(db, actor, input, "endpointId", request);
  const parsed = getWebhookEndpointSchema.safeParse(input);
  if (!parsed.success && parsed.error.issues.some((i) => i.path[0] === "endpointId")) throw new NotFoundError(ENDPOINT_NOT_FOUND);
  const { endpointId, page } = parseOrThrow(parsed);
  const endpoint = await loadEndpoint(db, member, endpointId, "webhook.view", request);
  const where = and(eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.orgId, member.org.id));
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(webhookDeliveries).where(where);
  const rows = await db
    .select({
      id: webhookDeliveries.id,
      eventId: webhookDeliveries.eventId,
      eventType: webhookEvents.type,
      createdAt: webhookDeliveries.createdAt,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastAttemptAt: webhookDeliveries.lastAttemptAt,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastDurationMs: sql<
        number | null
      >`(select a.duration_ms from ${webhookAttempts} a where a.delivery_id = "webhook_deliveries"."id" order by a.attempted_at desc, a.id desc limit 1)`,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(where)
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(WEBHOOK_DELIVERIES_PAGE_SIZE)
    .offset((page - 1) * WEBHOOK_DELIVERIES_PAGE_SIZE);
  const { secretSealed: _sealed, previousSecretExpiresAt, ...rest } = endpoint;
  return {
    endpoint: {
      ...rest,
      status: rest.status as WebhookEndpointView["endpoint"]["status"],
      disabledReason: rest.disabledReason as WebhookEndpointView["endpoint"]["disabledReason"],
      previousSecretUntil: previousSecretExpiresAt && previousSecretExpiresAt > now ? previousSecretExpiresAt : null,
    },
    deliveries: {
      rows: rows.map((r) => ({
        ...r,
        status: r.status as WebhookDeliveryRow["status"],
        lastDurationMs: r.lastDurationMs === null ? null : Number(r.lastDurationMs),
      })),
      total,
      page,
      pageSize: WEBHOOK_DELIVERIES_PAGE_SIZE,
    },
  };
}
