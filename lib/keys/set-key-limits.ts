import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { apiKeys } from "@/lib/db/schema";
import { DomainError, NotFoundError } from "@/lib/errors";
import { movesMoney } from "@/lib/key-grants";
import { LIMITS_NEED_MONEY, setKeyLimitsSchema } from "@/lib/schemas/keys";
import { loadManagedKey } from "./shared";

const shown = (minor: bigint | null) => (minor === null ? "none" : String(minor));

/**
 * Changes a money-moving key's payment limits (null: none), with the PIN, by whoever may create
 * keys. Felt on the key's next call on every instance: the verification cache, which carries the
 * limits with the key, is emptied around it. Today's use so far still counts against a new limit.
 */
export const setKeyLimits = defineCommand({
  action: "key.limits_change",
  target: { type: "api_key", id: (input) => input.keyId },
  requires: { permission: "keys:create" },
  schema: setKeyLimitsSchema,
  pin: true,
  load: loadManagedKey,
  run: ({ db, actor, input, request }, key) =>
    changingKeyAccess(db, () =>
      db.transaction(async (tx) => {
        const [before] = await tx
          .select({ permissions: apiKeys.permissions, maxPerPayment: apiKeys.maxPerPayment, maxPerDay: apiKeys.maxPerDay })
          .from(apiKeys)
          .where(and(eq(apiKeys.id, key.id), eq(apiKeys.orgId, actor.org.id), isNull(apiKeys.revokedAt)))
          .for("update");
        if (!before) throw new NotFoundError("That API key");
        const next = {
          maxPerPayment: input.maxPerPayment === null ? null : BigInt(input.maxPerPayment),
          maxPerDay: input.maxPerDay === null ? null : BigInt(input.maxPerDay),
        };
        if ((next.maxPerPayment !== null || next.maxPerDay !== null) && !movesMoney(before.permissions)) {
          throw new DomainError("invalid_request", "Check the highlighted fields.", { maxPerPayment: LIMITS_NEED_MONEY });
        }
        await tx.update(apiKeys).set(next).where(eq(apiKeys.id, key.id));
        await recordAuditEvent(tx, {
          ...actorFields(actor, request),
          action: "key.limits_change",
          targetType: "api_key",
          targetId: key.id,
          outcome: "success",
          metadata: {
            alias: key.alias,
            prefix: key.prefix,
            before: `per payment ${shown(before.maxPerPayment)}, per day ${shown(before.maxPerDay)}`,
            after: `per payment ${shown(next.maxPerPayment)}, per day ${shown(next.maxPerDay)}`,
          },
        });
        return { maxPerPayment: input.maxPerPayment, maxPerDay: input.maxPerDay };
      }),
    ),
});
