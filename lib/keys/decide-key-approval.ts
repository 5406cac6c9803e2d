import "server-only";
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import { defineCommand, type MemberActor } from "@/lib/auth/command";
import type { Executor } from "@/lib/db";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { accessTokens, apiKeys } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { resolveKeyReminders } from "@/lib/notifications/resolve-key-reminders";
import { keyActionSchema } from "@/lib/schemas/keys";
import { keyMakers, lockPendingKey, notWaiting, refuseSelfApproval, resolveApprovalRequests } from "./approval";
import { loadOwnKey } from "./shared";

/** A key waiting for approval, and who made it: refused, audited, before the PIN is asked for. */
async function loadWaitingKey(
  { db, actor, input, request }: { db: Executor; actor: MemberActor; input: { keyId: string }; request: RequestInfo },
  action: string,
) {
  const key = await loadOwnKey(db, actor.org.id, input.keyId);
  const [row] = await db.select({ pendingApprovalSince: apiKeys.pendingApprovalSince }).from(apiKeys).where(eq(apiKeys.id, key.id));
  if (!row?.pendingApprovalSince) throw notWaiting();
  if ((await keyMakers(db, key.id, row.pendingApprovalSince)).has(actor.user.id)) await refuseSelfApproval(db, actor, request, action, key.id);
  return key;
}

/**
 * Approves a key that waits for a second member: from the next call on, the API accepts it. Only a
 * member holding keys:approve who did not make the key — checked again against the locked row, so
 * no second session, custom role or replayed request gets round it — and only once: the change is
 * conditional on the key still waiting, so a replay or a concurrent second approval finds nothing.
 */
export const approveKey = defineCommand({
  action: "key.approve",
  target: { type: "api_key", id: (input) => input.keyId },
  requires: { permission: "keys:approve" },
  schema: keyActionSchema,
  pin: true,
  load: (context) => loadWaitingKey(context, "key.approve"),
  run: async ({ db, actor, request }, key) => {
    const outcome = await changingKeyAccess(db, () =>
      db.transaction(async (tx) => {
        const row = await lockPendingKey(tx, actor.org.id, key.id);
        if (!row) throw new NotFoundError("That API key");
        if (!row.pendingApprovalSince) throw notWaiting();
        if ((await keyMakers(tx, key.id, row.pendingApprovalSince)).has(actor.user.id)) return "self" as const;
        const [approved] = await tx
          .update(apiKeys)
          .set({ pendingApprovalSince: null, approvedBy: actor.user.id, approvedAt: sql`now()` })
          .where(and(eq(apiKeys.id, key.id), eq(apiKeys.orgId, actor.org.id), isNull(apiKeys.revokedAt), isNotNull(apiKeys.pendingApprovalSince)))
          .returning({ approvedAt: apiKeys.approvedAt });
        if (!approved) throw notWaiting();
        await resolveApprovalRequests(tx, [key.id]);
        await recordAuditEvent(tx, {
          ...actorFields(actor, request),
          action: "key.approve",
          targetType: "api_key",
          targetId: key.id,
          outcome: "success",
          metadata: { alias: key.alias, prefix: key.prefix, waitingSince: row.pendingApprovalSince.toISOString() },
        });
        return { approvedAt: approved.approvedAt! };
      }),
    );
    if (outcome === "self") return refuseSelfApproval(db, actor, request, "key.approve", key.id);
    return outcome;
  },
});

/**
 * Rejects a key that waits for a second member: it is deleted at once, as "Delete" would (the row
 * stays as an audit tombstone). The same people as approval may reject, with the same checks.
 */
export const rejectKey = defineCommand({
  action: "key.reject",
  target: { type: "api_key", id: (input) => input.keyId },
  requires: { permission: "keys:approve" },
  schema: keyActionSchema,
  pin: true,
  load: (context) => loadWaitingKey(context, "key.reject"),
  run: async ({ db, actor, request }, key) => {
    const outcome = await changingKeyAccess(db, () =>
      db.transaction(async (tx) => {
        const row = await lockPendingKey(tx, actor.org.id, key.id);
        if (!row) throw new NotFoundError("That API key");
        if (!row.pendingApprovalSince) throw notWaiting();
        if ((await keyMakers(tx, key.id, row.pendingApprovalSince)).has(actor.user.id)) return "self" as const;
        const [rejected] = await tx
          .update(apiKeys)
          .set({ revokedAt: sql`now()`, revokedBy: actor.user.id })
          .where(and(eq(apiKeys.id, key.id), eq(apiKeys.orgId, actor.org.id), isNull(apiKeys.revokedAt), isNotNull(apiKeys.pendingApprovalSince)))
          .returning({ id: apiKeys.id });
        if (!rejected) throw notWaiting();
        await tx.delete(accessTokens).where(eq(accessTokens.keyId, key.id));
        await resolveKeyReminders(tx, [key.id]);
        await resolveApprovalRequests(tx, [key.id]);
        await recordAuditEvent(tx, {
          ...actorFields(actor, request),
          action: "key.reject",
          targetType: "api_key",
          targetId: key.id,
          outcome: "success",
          metadata: { alias: key.alias, prefix: key.prefix, waitingSince: row.pendingApprovalSince.toISOString() },
        });
        return { rejected: true };
      }),
    );
    if (outcome === "self") return refuseSelfApproval(db, actor, request, "key.reject", key.id);
    return outcome;
  },
});
