import "server-only";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { apiKeys } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { keyActionSchema } from "@/lib/schemas/keys";
import { loadManagedKey } from "./shared";

/**
 * "Stop the old secret now": ends a regeneration's overlap early. From the next call on, only the
 * new secret works, on every instance. Whoever may regenerate keys may do this, with the PIN.
 */
export const endPreviousSecret = defineCommand({
  action: "key.previous_secret_end",
  target: { type: "api_key", id: (input) => input.keyId },
  requires: { permission: "keys:create" },
  schema: keyActionSchema,
  pin: true,
  load: loadManagedKey,
  run: ({ db, actor, request }, key) =>
    changingKeyAccess(db, () =>
      db.transaction(async (tx) => {
        const [ended] = await tx
          .update(apiKeys)
          .set({ previousSecretHash: null, previousPrefix: null, previousSecretExpiresAt: null, previousSecretLastUsedAt: null })
          .where(and(eq(apiKeys.id, key.id), eq(apiKeys.orgId, actor.org.id), isNull(apiKeys.revokedAt), gt(apiKeys.previousSecretExpiresAt, sql`now()`)))
          .returning({ id: apiKeys.id });
        if (!ended) throw new DomainError("conflict", "This key has no old secret that still works.");
        await recordAuditEvent(tx, {
          ...actorFields(actor, request),
          action: "key.previous_secret_end",
          targetType: "api_key",
          targetId: key.id,
          outcome: "success",
          metadata: { alias: key.alias, prefix: key.prefix },
        });
        return { ended: true };
      }),
    ),
});
