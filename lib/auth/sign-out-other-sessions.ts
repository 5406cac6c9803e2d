import "server-only";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { signOutOtherSessionsSchema } from "@/lib/schemas/account";
import { defineCommand } from "./command";
import { revokeOtherSessions } from "./sessions";

/**
 * "Sign out of all other sessions", confirmed with the PIN: every session of the actor but this one
 * ends at once (each is refused on its next request), and one audit row says how many. Only ever the
 * actor's own sessions — the input names nothing but the PIN.
 */
export const signOutOtherSessions = defineCommand({
  action: "auth.sign_out_others",
  target: { type: "user" },
  requires: { self: "ends the caller's own other sessions" },
  schema: signOutOtherSessionsSchema,
  pin: true,
  run: ({ db, actor, request }): Promise<{ ended: number }> => {
    return db.transaction(async (tx) => {
      const ended = await revokeOtherSessions(tx, actor.user.id, actor.sessionId);
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "auth.sign_out_others",
        targetType: "user",
        targetId: actor.user.id,
        outcome: "success",
        metadata: { sessions: ended },
      });
      return { ended };
    });
  },
});
