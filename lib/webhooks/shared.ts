import "server-only";
import { and, eq, ne } from "drizzle-orm";
import type { Actor, MemberActor } from "@/lib/auth/actor";
import { authorizeAudited } from "@/lib/auth/authorize-audited";
import { actorFields, type RequestInfo, recordAuditEvent } from "@/lib/audit/record-event";
import type { Executor } from "@/lib/db";
import { webhookDeliveries, webhookEndpoints } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";

export const ENDPOINT_NOT_FOUND = "That webhook endpoint";
export const DELIVERY_NOT_FOUND = "That delivery";

export const ENDPOINT_COLUMNS = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  eventTypes: webhookEndpoints.eventTypes,
  secretSealed: webhookEndpoints.secretSealed,
  secretLast4: webhookEndpoints.secretLast4,
  previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
  status: webhookEndpoints.status,
  disabledReason: webhookEndpoints.disabledReason,
  disabledAt: webhookEndpoints.disabledAt,
  failingSince: webhookEndpoints.failingSince,
  createdAt: webhookEndpoints.createdAt,
};

export type LoadedEndpoint = Awaited<ReturnType<typeof loadEndpoint>>;

/**
 * Where an endpoint sends to, for audit rows and messages: its origin and path, never its query
 * string (a receiver may put a token there).
 */
export function destinationOf(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`.slice(0, 200);
  } catch {
    return "";
  }
}

/**
 * How a webhook page's reader starts: the actor must hold webhooks:manage, and a refusal is audited
 * against the endpoint or delivery asked for (its id as sent, when it is text at all).
 */
export function authorizeWebhookRead(db: Executor, actor: Actor, input: unknown, field: "endpointId" | "deliveryId", request: RequestInfo) {
  const asked = (input as Record<string, unknown> | null)?.[field];
  return authorizeAudited(
    db,
    actor,
    { permission: "webhooks:manage" },
    {
      action: "webhook.view",
      targetType: field === "endpointId" ? "webhook_endpoint" : "webhook_delivery",
      targetId: typeof asked === "string" ? asked : null,
    },
    request,
  );
}

/**
 * One of the actor's organisation's endpoints. Another organisation's endpoint is not found, exactly
 * as an id that never existed — and the attempt is audited as denied in the actor's own organisation.
 */
export async function loadEndpoint(db: Executor, actor: MemberActor, endpointId: string, action: string, request: RequestInfo) {
  const [row] = await db
    .select(ENDPOINT_COLUMNS)
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.orgId, actor.org.id)))
    .limit(1);
  if (row) return row;
  const [elsewhere] = await db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), ne(webhookEndpoints.orgId, actor.org.id)))
    .limit(1);
  if (elsewhere) await recordOutside(db, actor, { action, targetType: "webhook_endpoint", targetId: endpointId }, request);
  throw new NotFoundError(ENDPOINT_NOT_FOUND);
}

/** One delivery of the actor's organisation, with its endpoint; another organisation's is not found (audited). */
export async function loadDelivery(db: Executor, actor: MemberActor, deliveryId: string, action: string, request: RequestInfo) {
  const [row] = await db
    .select({
      id: webhookDeliveries.id,
      eventId: webhookDeliveries.eventId,
      endpointId: webhookDeliveries.endpointId,
      status: webhookDeliveries.status,
      endpointUrl: webhookEndpoints.url,
      endpointStatus: webhookEndpoints.status,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.orgId, actor.org.id), eq(webhookEndpoints.orgId, actor.org.id)))
    .limit(1);
  if (row) return row;
  const [elsewhere] = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), ne(webhookDeliveries.orgId, actor.org.id)))
    .limit(1);
  if (elsewhere) await recordOutside(db, actor, { action, targetType: "webhook_delivery", targetId: deliveryId }, request);
  throw new NotFoundError(DELIVERY_NOT_FOUND);
}

function recordOutside(db: Executor, actor: MemberActor, attempted: { action: string; targetType: string; targetId: string }, request: RequestInfo) {
  return recordAuditEvent(db, { ...actorFields(actor, request), ...attempted, outcome: "denied", metadata: { reason: "not_in_organisation" } });
}
