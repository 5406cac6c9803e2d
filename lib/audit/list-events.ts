import "server-only";
import { and, desc, eq, inArray, isNull, or } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { auditEvents, memberships } from "@/lib/db/schema";

/**
 * The newest audit events of the actor's organisation, with its members' sign-ins and sign-outs
 * (recorded before an organisation is chosen, so matched through membership).
 */
export async function listRecentAuditEvents(db: Executor, actor: Actor, limit = 50) {
  const { org } = authorize(actor, { permission: "audit:view" });
  const members = db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.orgId, org!.id));
  return db
    .select({
      id: auditEvents.id,
      occurredAt: auditEvents.occurredAt,
      actorLabel: auditEvents.actorLabel,
      action: auditEvents.action,
      targetType: auditEvents.targetType,
      outcome: auditEvents.outcome,
      ip: auditEvents.ip,
    })
    .from(auditEvents)
    .where(or(eq(auditEvents.orgId, org!.id), and(isNull(auditEvents.orgId), inArray(auditEvents.actorUserId, members))))
    .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
    .limit(limit);
}
