import "server-only";
import { and, eq, gte, isNotNull, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Actor, MemberActor } from "@/lib/auth/actor";
import type { Executor } from "@/lib/db";
import { apiKeys, auditEvents, memberships, notifications, organisations, roles, users } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { movesMoney } from "@/lib/key-grants";
import { queueEmail } from "@/lib/mail/outbox";
import { portalOrigin } from "@/lib/mail/portal-origin";

/** How long a key may wait for its second member before the jobs timer deletes it. */
export const APPROVAL_WAIT_DAYS = 7;

/** The notification kind of "a key waits for your approval". */
export const KEY_APPROVAL_KIND = "key_approval";

/** Whether a key with these permissions, made now in an organisation with this setting, must wait for a second member. */
export function needsApproval(org: { keyApprovalRequired: boolean }, permissions: readonly string[]): boolean {
  return org.keyApprovalRequired && movesMoney(permissions);
}

/**
 * The maker-checker step of creating or regenerating a key, inside that transaction: when the
 * organisation requires a second person and the key can move money, the key waits for approval —
 * the API refuses it (403 key_pending_approval) until another member holding keys:approve approves
 * it — any earlier approval is cleared, and every such member but its makers is told (bell and
 * e-mail). Returns whether the key now waits, for the change's audit row.
 */
export async function holdForApproval(tx: Executor, actor: MemberActor, keyId: string): Promise<boolean> {
  const [key] = await tx
    .select({
      alias: apiKeys.alias,
      prefix: apiKeys.prefix,
      permissions: apiKeys.permissions,
      pendingApprovalSince: apiKeys.pendingApprovalSince,
      keyApprovalRequired: organisations.keyApprovalRequired,
      orgName: organisations.name,
    })
    .from(apiKeys)
    .innerJoin(organisations, eq(organisations.id, apiKeys.orgId))
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, actor.org.id)));
  if (!key || !needsApproval(key, key.permissions)) return false;
  const [held] = await tx
    .update(apiKeys)
    // A key already waiting keeps its place in the queue (and its 7 days): a new secret restarts nothing.
    .set({ pendingApprovalSince: sql`coalesce(${apiKeys.pendingApprovalSince}, now())`, approvedBy: null, approvedAt: null })
    .where(eq(apiKeys.id, keyId))
    .returning({ since: apiKeys.pendingApprovalSince });
  const makers = await keyMakers(tx, keyId, held!.since!);
  makers.add(actor.user.id);
  await notifyApprovers(tx, {
    orgId: actor.org.id,
    orgName: key.orgName,
    keyId,
    alias: key.alias,
    prefix: key.prefix,
    madeBy: actor.user.name,
    since: held!.since!,
    makers,
  });
  return true;
}

/**
 * Who made the key now waiting: its creator, and whoever regenerated it since it began waiting.
 * None of them may approve or reject it — whichever session, role or replayed request they use.
 */
export async function keyMakers(db: Executor, keyId: string, pendingSince: Date): Promise<Set<string>> {
  const [key] = await db.select({ createdBy: apiKeys.createdBy }).from(apiKeys).where(eq(apiKeys.id, keyId));
  const regenerators = await db
    .selectDistinct({ userId: auditEvents.actorUserId })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.targetType, "api_key"),
        eq(auditEvents.targetId, keyId),
        eq(auditEvents.action, "key.regenerate"),
        eq(auditEvents.outcome, "success"),
        isNotNull(auditEvents.actorUserId),
        gte(auditEvents.occurredAt, pendingSince),
      ),
    );
  return new Set([key?.createdBy, ...regenerators.map((r) => r.userId)].filter((id): id is string => Boolean(id)));
}

/** Tells every member who may approve keys, but not the key's makers, that it waits: in the bell, and by e-mail — each once. */
async function notifyApprovers(
  tx: Executor,
  key: { orgId: string; orgName: string; keyId: string; alias: string; prefix: string; madeBy: string; since: Date; makers: Set<string> },
) {
  const approvers = await tx
    .select({ userId: users.id, email: users.email })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, key.orgId), sql`'keys:approve' = any(${roles.permissions})`));
  const title = `“${key.alias}” waits for your approval`;
  const body = `${key.madeBy} made the API key “${key.alias}” (${key.prefix}…) of ${key.orgName}. It can move money, so the API refuses it until another member approves it. Unapproved, it is deleted after ${APPROVAL_WAIT_DAYS} days.`;
  for (const approver of approvers) {
    if (key.makers.has(approver.userId)) continue;
    const dedupeKey = `approval:${key.keyId}:${approver.userId}:${key.since.toISOString()}`;
    const [notification] = await tx
      .insert(notifications)
      .values({ orgId: key.orgId, userId: approver.userId, kind: KEY_APPROVAL_KIND, subjectType: "api_key", subjectId: key.keyId, dedupeKey, title, body })
      .onConflictDoNothing({ target: notifications.dedupeKey })
      .returning({ id: notifications.id });
    if (notification) {
      await queueEmail(tx, {
        dedupeKey,
        to: approver.email,
        subject: `Latchkey: ${title}`,
        body: `${body}\n\nApprove or reject it: ${portalOrigin()}/keys/${key.keyId}`,
      });
    }
  }
}

/** The key was approved, rejected or expired: its approval requests leave every bell. */
export async function resolveApprovalRequests(tx: Executor, keyIds: readonly string[]) {
  for (const keyId of keyIds) {
    await tx
      .delete(notifications)
      .where(and(eq(notifications.subjectType, "api_key"), eq(notifications.subjectId, keyId), eq(notifications.kind, KEY_APPROVAL_KIND)));
  }
}

/** The row lock a decision takes: the key as it is now, or nothing when it is gone. */
export async function lockPendingKey(tx: Executor, orgId: string, keyId: string) {
  const [row] = await tx
    .select({ id: apiKeys.id, pendingApprovalSince: apiKeys.pendingApprovalSince })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt)))
    .for("update");
  return row;
}

export const notWaiting = () =>
  new DomainError("already_decided", "This key is not waiting for approval: another member approved or rejected it already. Reload the page.");

export const SELF_APPROVAL_MESSAGE = "You made this key, so another member must approve or reject it.";

/** Refuses, with one denied audit row written outside any transaction, a maker deciding on their own key. */
export async function refuseSelfApproval(db: Executor, actor: Actor, request: RequestInfo, action: string, keyId: string): Promise<never> {
  await recordAuditEvent(db, {
    ...actorFields(actor, request),
    action,
    targetType: "api_key",
    targetId: keyId,
    outcome: "denied",
    metadata: { reason: "self_approval" },
  });
  throw new DomainError("self_approval", SELF_APPROVAL_MESSAGE);
}
