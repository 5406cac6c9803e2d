import "server-only";
import { and, arrayContains, eq, inArray } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { webhookDeliveries, webhookEndpoints, webhookEvents } from "@/lib/db/schema";

// Stand-in until the delivery core lands: same API.
export async function enqueueWebhookEvent(
  tx: Executor,
  { orgId, type, data, endpointIds }: { orgId: string; type: string; data: Record<string, unknown>; endpointIds?: string[] },
): Promise<string | null> {
  const endpoints = await tx
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.orgId, orgId),
        eq(webhookEndpoints.status, "enabled"),
        endpointIds ? inArray(webhookEndpoints.id, endpointIds) : arrayContains(webhookEndpoints.eventTypes, [type]),
      ),
    );
  if (endpoints.length === 0) return null;
  const [event] = await tx.insert(webhookEvents).values({ orgId, type, payload: data }).returning({ id: webhookEvents.id });
  await tx.insert(webhookDeliveries).values(endpoints.map((e) => ({ orgId, endpointId: e.id, eventId: event!.id })));
  return event!.id;
}
