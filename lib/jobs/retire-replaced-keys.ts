import "server-only";
import { inArray, sql } from "drizzle-orm";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { Database } from "@/lib/db";
import { accessTokens } from "@/lib/db/schema";
import { resolveKeyReminders } from "@/lib/notifications/resolve-key-reminders";

type Retired = { id: string; org_id: string; alias: string; prefix: string; retires_at: Date | string; replaced_by: string | null };

/**
 * Turns the keys renewed as narrower ones whose overlap has ended into tombstones: deleted as of the
 * moment they retired (the API refused them from then on already), each with a `key.retired` audit
 * row (actor: system). One conditional UPDATE … RETURNING in one transaction with its audit rows, so
 * of any number of instances running it at once, each key is retired — and audited — by exactly one;
 * a second round finds nothing.
 */
export async function retireReplacedKeys(db: Database, now = new Date()): Promise<{ retired: number }> {
  const retired = await changingKeyAccess(db, () =>
    db.transaction(async (tx) => {
      const result = await tx.execute<Retired>(sql`
        update api_keys set revoked_at = retires_at
        where retires_at is not null and revoked_at is null and retires_at <= ${now.toISOString()}::timestamptz
        returning id, org_id, alias, prefix, retires_at, replaced_by`);
      const ids = result.rows.map((r) => r.id);
      if (ids.length === 0) return [];
      await tx.delete(accessTokens).where(inArray(accessTokens.keyId, ids));
      await resolveKeyReminders(tx, ids);
      for (const key of result.rows) {
        await recordAuditEvent(tx, {
          orgId: key.org_id,
          actorLabel: "system",
          ip: null,
          action: "key.retired",
          targetType: "api_key",
          targetId: key.id,
          outcome: "success",
          requestId: crypto.randomUUID(),
          metadata: { alias: key.alias, prefix: key.prefix, retiredAt: new Date(key.retires_at).toISOString(), replacedBy: key.replaced_by },
        });
      }
      return ids;
    }),
  );
  return { retired: retired.length };
}
