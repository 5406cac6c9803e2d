import "server-only";
import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import { defineCommand, type MemberActor } from "@/lib/auth/command";
import type { Executor, Transaction } from "@/lib/db";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { accessTokens, apiKeys } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { movesMoney } from "@/lib/key-grants";
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

type WaitingKey = Awaited<ReturnType<typeof loadOwnKey>>;
type DecisionContext = { db: Executor; actor: MemberActor; request: RequestInfo };

/**
 * The one body of both decisions: lock the key, check again that it still waits and that the
 * member did not make it, then `decide` — conditional on the key still waiting, so a replay or a
 * concurrent second decision finds nothing — clear the approval requests and write the audit row.
 * A maker's attempt is refused after the transaction, so its denied audit row is kept.
 */
async function decideWaitingKey<T>(
  { db, actor, request }: DecisionContext,
  key: WaitingKey,
  action: "key.approve" | "key.reject",
  decide: (tx: Transaction) => Promise<T | undefined>,
): Promise<T> {
  const outcome = await changingKeyAccess(db, () =>
    db.transaction(async (tx) => {
      const row = await lockPendingKey(tx, actor.org.id, key.id);
      if (!row) throw new NotFoundError("That API key");
      if (!row.pendingApprovalSince) throw notWaiting();
      if ((await keyMakers(tx, key.id, row.pendingApprovalSince)).has(actor.user.id)) return { self: true as const };
      const decided = await decide(tx);
      if (decided === undefined) throw notWaiting();
      await resolveApprovalRequests(tx, [key.id]);
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action,
        targetType: "api_key",
        targetId: key.id,
        outcome: "success",
        metadata: { alias: key.alias, prefix: key.prefix, waitingSince: row.pendingApprovalSince.toISOString() },
      });
      return { self: false as const, decided };
    }),
  );
  if (outcome.self) return refuseSelfApproval(db, actor, request, action, key.id);
  return outcome.decided;
}

/** Only a key of the organisation that has not been deleted and still waits. */
const stillWaiting = (orgId: string, keyId: string) =>
  and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt), isNotNull(apiKeys.pendingApprovalSince));

/**
 * Approves a key that waits for a second member: from the next call on, the API accepts it. Only a
 * member holding keys:approve who did not make the key — checked again against the locked row, so
 * no second session, custom role or replayed request gets round it — and only once.
 */
export const approveKey = defineCommand({
  action: "key.approve",
  target: { type: "api_key", id: (input) => input.keyId },
  requires: { permission: "keys:approve" },
  schema: keyActionSchema,
  pin: true,
  movesMoney: (_input, key: { permissions: string[] }) => movesMoney(key.permissions),
  load: (context) => loadWaitingKey(context, "key.approve"),
  run: (context, key) =>
    decideWaitingKey(context, key, "key.approve", async (tx) => {
      const [approved] = await tx
        .update(apiKeys)
        .set({ pendingApprovalSince: null, approvedBy: context.actor.user.id, approvedAt: sql`now()` })
        .where(stillWaiting(context.actor.org.id, key.id))
        .returning({ approvedAt: apiKeys.approvedAt });
      return approved ? { approvedAt: approved.approvedAt! } : undefined;
    }),
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
  run: (context, key) =>
    decideWaitingKey(context, key, "key.reject", async (tx) => {
      const [rejected] = await tx
        .update(apiKeys)
        .set({ revokedAt: sql`now()`, revokedBy: context.actor.user.id })
        .where(stillWaiting(context.actor.org.id, key.id))
        .returning({ id: apiKeys.id });
      if (!rejected) return undefined;
      await tx.delete(accessTokens).where(eq(accessTokens.keyId, key.id));
      await resolveKeyReminders(tx, [key.id]);
      return { rejected: true };
    }),
});
