import "server-only";
import { and, eq } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { passkeys } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { removePasskeySchema } from "@/lib/schemas/passkeys";

/**
 * Removes one of the member's own passkeys, confirmed with the PIN or a passkey (this one too).
 * Another person's passkey is not found, and the attempt is audited.
 */
export const removePasskey = defineCommand({
  action: "passkey.remove",
  target: { type: "passkey", id: (input) => input.passkeyId },
  requires: { self: "the caller's own passkeys" },
  schema: removePasskeySchema,
  pin: true,
  load: async ({ db, actor, input, request }) => {
    const [row] = await db.select({ id: passkeys.id, name: passkeys.name, userId: passkeys.userId }).from(passkeys).where(eq(passkeys.id, input.passkeyId));
    if (row?.userId === actor.user.id) return row;
    if (row) {
      await recordAuditEvent(db, {
        ...actorFields(actor, request),
        action: "passkey.remove",
        targetType: "passkey",
        targetId: row.id,
        outcome: "denied",
        metadata: { reason: "not_own_passkey" },
      });
    }
    throw new NotFoundError("That passkey");
  },
  run: ({ db, actor, request }, passkey) =>
    db.transaction(async (tx) => {
      const [removed] = await tx
        .delete(passkeys)
        .where(and(eq(passkeys.id, passkey.id), eq(passkeys.userId, actor.user.id)))
        .returning({ id: passkeys.id });
      if (!removed) throw new NotFoundError("That passkey");
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "passkey.remove",
        targetType: "passkey",
        targetId: passkey.id,
        outcome: "success",
        metadata: { name: passkey.name },
      });
    }),
});
