import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { apiKeys } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { setKeyAllowlistSchema } from "@/lib/schemas/keys";
import { loadManagedKey } from "./shared";

/**
 * Changes where a key may be used from (an empty list: anywhere). Whoever may create keys may
 * restrict them; the PIN confirms it. The change is felt on the key's next call on every instance:
 * the verification cache of the embedded database is emptied around it, as for a deletion.
 */
export const setKeyAllowlist = defineCommand({
  action: "key.allowlist_change",
  target: { type: "api_key", id: (input) => input.keyId },
  requires: { permission: "keys:create" },
  schema: setKeyAllowlistSchema,
  pin: true,
  load: loadManagedKey,
  run: ({ db, actor, input, request }, key) =>
    changingKeyAccess(db, () =>
      db.transaction(async (tx) => {
        const [before] = await tx
          .select({ allowedIps: apiKeys.allowedIps })
          .from(apiKeys)
          .where(and(eq(apiKeys.id, key.id), eq(apiKeys.orgId, actor.org.id), isNull(apiKeys.revokedAt)))
          .for("update");
        if (!before) throw new NotFoundError("That API key");
        await tx.update(apiKeys).set({ allowedIps: input.allowedIps }).where(eq(apiKeys.id, key.id));
        await recordAuditEvent(tx, {
          ...actorFields(actor, request),
          action: "key.allowlist_change",
          targetType: "api_key",
          targetId: key.id,
          outcome: "success",
          metadata: {
            alias: key.alias,
            prefix: key.prefix,
            before: before.allowedIps.join(" ") || "any address",
            after: input.allowedIps.join(" ") || "any address",
          },
        });
        return { allowedIps: input.allowedIps };
      }),
    ),
});
