import "server-only";
import { eq } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { passkeys, webauthnChallenges } from "@/lib/db/schema";
import { resetMemberPasskeysSchema } from "@/lib/schemas/passkeys";

/**
 * Removes every passkey of a member who lost theirs, so they can add new ones: the same people as
 * may change the member's role (never themselves, never the Superadmin, never someone holding
 * more), with the PIN or a passkey. `memberId` is the member's user id. Their open challenges go too.
 */
export const resetMemberPasskeys = defineCommand({
  action: "member.passkeys_reset",
  target: { type: "member", id: (input) => input.memberId },
  requires: { permission: "members:manage", manages: (input) => input.memberId },
  schema: resetMemberPasskeysSchema,
  pin: true,
  run: ({ db, actor, request, member }): Promise<{ removed: number }> =>
    db.transaction(async (tx) => {
      const removed = await tx.delete(passkeys).where(eq(passkeys.userId, member.userId)).returning({ id: passkeys.id });
      await tx.delete(webauthnChallenges).where(eq(webauthnChallenges.userId, member.userId));
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "member.passkeys_reset",
        targetType: "member",
        targetId: member.userId,
        outcome: "success",
        metadata: { email: member.email, removed: removed.length },
      });
      return { removed: removed.length };
    }),
});
