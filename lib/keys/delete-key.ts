import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { accessTokens, apiKeys } from "@/lib/db/schema";
import { DomainError, NotFoundError } from "@/lib/errors";
import { resolveKeyReminders } from "@/lib/notifications/resolve-key-reminders";
import { deleteKeySchema } from "@/lib/schemas/keys";
import { loadOwnKey } from "./shared";

/**
 * Deletes a key: it is revoked at once (the next API call with it fails) and leaves the list; the
 * row stays as an audit tombstone. Deleting is allowed whatever the onboarding state: stopping
 * access must always be possible.
 */
export const deleteKey = defineCommand({
  action: "key.delete",
  target: { type: "api_key", id: (input) => input.keyId },
  requires: { permission: "keys:delete" },
  schema: deleteKeySchema,
  pin: true,
  load: async ({ db, actor, input }) => {
    const key = await loadOwnKey(db, actor.org.id, input.keyId);
    if (input.confirmAlias.trim() !== key.alias) {
      throw new DomainError("invalid_request", "Check the highlighted fields.", { confirmAlias: `Type “${key.alias}” to confirm` });
    }
    return key;
  },
  run: ({ db, actor, request }, key) =>
    changingKeyAccess(db, () =>
      db.transaction(async (tx) => {
        const [row] = await tx
          .update(apiKeys)
          .set({ revokedAt: sql`now()`, revokedBy: actor.user.id })
          .where(and(eq(apiKeys.id, key.id), eq(apiKeys.orgId, actor.org.id), isNull(apiKeys.revokedAt)))
          .returning({ id: apiKeys.id });
        if (!row) throw new NotFoundError("That API key");
        // Access tokens issued for the old secret die with it.
        await tx.delete(accessTokens).where(eq(accessTokens.keyId, key.id));
        // Its expiry reminders lose their cause: out of the bell, and unsent e-mails withdrawn.
        await resolveKeyReminders(tx, [key.id]);
        await recordAuditEvent(tx, {
          ...actorFields(actor, request),
          action: "key.delete",
          targetType: "api_key",
          targetId: key.id,
          outcome: "success",
          metadata: { alias: key.alias, prefix: key.prefix },
        });
      }),
    ),
});
