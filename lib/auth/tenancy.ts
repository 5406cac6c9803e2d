import "server-only";
import { and, eq, ne, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Executor } from "@/lib/db";
import { apiKeys, applications, invitations, memberships, payments, roles } from "@/lib/db/schema";
import type { Actor } from "./actor";

/** What was attempted on which target — the same shape authorizeAudited records. */
export interface Attempted {
  action: string;
  targetType: string;
  targetId?: string | null;
}

/**
 * The organisation-owned things a URL or an action names by id, each with the query that finds it in
 * an organisation other than `orgId`. A member is named by user id: one who belongs to another
 * organisation and not to this one.
 */
const TENANT_TARGETS: Record<string, { elsewhere: (db: Executor, orgId: string, id: string) => Promise<unknown[]> }> = {
  api_key: {
    elsewhere: (db, orgId, id) =>
      db
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.id, id), ne(apiKeys.orgId, orgId)))
        .limit(1),
  },
  application: {
    elsewhere: (db, orgId, id) =>
      db
        .select({ id: applications.id })
        .from(applications)
        .where(and(eq(applications.id, id), ne(applications.orgId, orgId)))
        .limit(1),
  },
  invitation: {
    elsewhere: (db, orgId, id) =>
      db
        .select({ id: invitations.id })
        .from(invitations)
        .where(and(eq(invitations.id, id), ne(invitations.orgId, orgId)))
        .limit(1),
  },
  payment: {
    elsewhere: (db, orgId, id) =>
      db
        .select({ id: payments.id })
        .from(payments)
        .where(and(eq(payments.id, id), ne(payments.orgId, orgId)))
        .limit(1),
  },
  role: {
    elsewhere: (db, orgId, id) =>
      db
        .select({ id: roles.id })
        .from(roles)
        .where(and(eq(roles.id, id), ne(roles.orgId, orgId)))
        .limit(1),
  },
  member: {
    elsewhere: (db, orgId, id) =>
      db
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(
          and(
            eq(memberships.userId, id),
            ne(memberships.orgId, orgId),
            sql`not exists (select 1 from ${memberships} m where m.user_id = ${id} and m.org_id = ${orgId})`,
          ),
        )
        .limit(1),
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Tenancy's one audit point. When `attempted` names another organisation's key, application,
 * invitation, payment, role or member, records one `denied` row (reason `not_in_organisation`, the
 * target id) in the actor's own organisation's audit — nothing about the other organisation — and
 * returns true. Whatever it finds, the caller answers exactly as for an id that does not exist.
 */
export async function recordIfOutsideOrganisation(db: Executor, actor: Actor, attempted: Attempted, request: RequestInfo): Promise<boolean> {
  const target = TENANT_TARGETS[attempted.targetType];
  const id = attempted.targetId;
  if (!target || !actor.org || typeof id !== "string" || !UUID.test(id)) return false;
  const found = await target.elsewhere(db, actor.org.id, id.toLowerCase());
  if (found.length === 0) return false;
  await recordAuditEvent(db, {
    ...actorFields(actor, request),
    action: attempted.action,
    targetType: attempted.targetType,
    targetId: id.toLowerCase(),
    outcome: "denied",
    metadata: { reason: "not_in_organisation" },
  });
  return true;
}

/** What each actor (one per request) last asked authorizeAudited to do, to the target it named. */
const lastAttempt = new WeakMap<Actor, Attempted>();

/** Forgets what an actor attempted before: called as each action starts. */
export function forgetAttempt(actor: Actor): void {
  lastAttempt.delete(actor);
}

/** Called by authorizeAudited when it lets an actor go ahead with a named target. */
export function noteAttempt(actor: Actor, attempted: Attempted): void {
  if (attempted.targetId) lastAttempt.set(actor, attempted);
}

/**
 * For the action boundary (settleAction), when an action ends in NotFoundError: if the target it
 * named is another organisation's, the attempt is audited as denied. The action's answer stays the
 * loader's own not-found, so it is the same for another organisation's id as for a made-up one —
 * whatever checks the action ran first.
 */
export async function recordAttemptOutsideOrganisation(db: Executor, actor: Actor, request: RequestInfo): Promise<boolean> {
  const attempted = lastAttempt.get(actor);
  if (!attempted) return false;
  lastAttempt.delete(actor);
  return recordIfOutsideOrganisation(db, actor, attempted, request);
}
