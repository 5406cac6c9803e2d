import "server-only";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Database } from "@/lib/db";
import { parseOrThrow } from "@/lib/errors";
import { signOutOtherSessionsSchema } from "@/lib/schemas/account";
import type { Actor } from "./actor";
import { authorize } from "./authorize";
import { verifyActionPin } from "./pin";
import { revokeOtherSessions } from "./sessions";

/**
 * "Sign out of all other sessions", confirmed with the PIN: every session of the actor but this one
 * ends at once (each is refused on its next request), and one audit row says how many. Only ever the
 * actor's own sessions — the input names nothing but the PIN.
 */
export async function signOutOtherSessions(db: Database, actor: Actor, input: unknown, request: RequestInfo): Promise<{ ended: number }> {
  const { pin } = parseOrThrow(signOutOtherSessionsSchema.safeParse(input));
  authorize(actor);
  await verifyActionPin(db, actor, pin, request);
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
}
