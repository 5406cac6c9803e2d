import "server-only";
import { inArray, sql } from "drizzle-orm";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { Database } from "@/lib/db";
import { accessTokens } from "@/lib/db/schema";
import { APPROVAL_WAIT_DAYS, resolveApprovalRequests } from "@/lib/keys/approval";
import { resolveKeyReminders } from "@/lib/notifications/resolve-key-reminders";

type Expired = { id: string; org_id: string; alias: string; prefix: string; pending_approval_since: Date | string };

/**
 * Deletes the keys still waiting for approval 7 days after they began to wait, each with a
 * `key.approval_expired` audit row (actor: system). One conditional UPDATE … RETURNING in one
 * transaction with its audit rows: of any number of instances running it at once, each key is
 * deleted — and audited — by exactly one.
 */
export async function expirePendingKeys(db: Database, now = new Date()): Promise<{ deleted: number }> {
  const expired = await changingKeyAccess(db, () =>
    db.transaction(async (tx) => {
      const result = await tx.execute<Expired>(sql`
        update api_keys set revoked_at = now()
        where pending_approval_since is not null and revoked_at is null
          and pending_approval_since <= ${now.toISOString()}::timestamptz - make_interval(days => ${APPROVAL_WAIT_DAYS})
        returning id, org_id, alias, prefix, pending_approval_since`);
      const ids = result.rows.map((r) => r.id);
      if (ids.length === 0) return [];
      await tx.delete(accessTokens).where(inArray(accessTokens.keyId, ids));
      await resolveKeyReminders(tx, ids);
      await resolveApprovalRequests(tx, ids);
      for (const key of result.rows) {
        await recordAuditEvent(tx, {
          orgId: key.org_id,
          actorLabel: "system",
          ip: null,
          action: "key.approval_expired",
          targetType: "api_key",
          targetId: key.id,
          outcome: "success",
          requestId: crypto.randomUUID(),
          metadata: { alias: key.alias, prefix: key.prefix, waitingSince: new Date(key.pending_approval_since).toISOString() },
        });
      }
      return ids;
    }),
  );
  return { deleted: expired.length };
}
