import "server-only";
import { asc, desc, eq, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorizeAudited } from "@/lib/auth/authorize-audited";
import type { RequestInfo } from "@/lib/audit/record-event";
import type { Executor } from "@/lib/db";
import { webhookDeliveries, webhookEndpoints } from "@/lib/db/schema";

export interface WebhookEndpointSummary {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  status: "enabled" | "disabled";
  disabledReason: "manual" | "gone" | "failing" | null;
  failingSince: Date | null;
  createdAt: Date;
  /** The newest delivery's status and time, or null before the first. */
  lastDelivery: { status: "pending" | "delivered" | "failed"; at: Date } | null;
}

/** The organisation's webhook endpoints, oldest first, for the Webhooks page; members with webhooks:manage only (refusals audited). */
export async function listWebhookEndpoints(db: Executor, actor: Actor, request: RequestInfo): Promise<WebhookEndpointSummary[]> {
  const member = await authorizeAudited(db, actor, { permission: "webhooks:manage" }, { action: "webhook.view", targetType: "webhook_endpoint" }, request);
  const rows = await db
    .select({
      id: webhookEndpoints.id,
      url: webhookEndpoints.url,
      description: webhookEndpoints.description,
      eventTypes: webhookEndpoints.eventTypes,
      status: webhookEndpoints.status,
      disabledReason: webhookEndpoints.disabledReason,
      failingSince: webhookEndpoints.failingSince,
      createdAt: webhookEndpoints.createdAt,
      lastStatus: sql<
        string | null
      >`(select d.status from ${webhookDeliveries} d where d.endpoint_id = "webhook_endpoints"."id" order by d.created_at desc, d.id desc limit 1)`,
      lastAt: sql<
        string | null
      >`(select coalesce(d.last_attempt_at, d.created_at) from ${webhookDeliveries} d where d.endpoint_id = "webhook_endpoints"."id" order by d.created_at desc, d.id desc limit 1)`,
    })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.orgId, member.org.id))
    .orderBy(asc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
  return rows.map(({ lastStatus, lastAt, ...row }) => ({
    ...row,
    status: row.status as WebhookEndpointSummary["status"],
    disabledReason: row.disabledReason as WebhookEndpointSummary["disabledReason"],
    lastDelivery: lastStatus && lastAt ? { status: lastStatus as "pending" | "delivered" | "failed", at: new Date(lastAt) } : null,
  }));
}
