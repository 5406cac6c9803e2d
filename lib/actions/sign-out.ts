"use server";

import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { currentActor } from "@/lib/auth/current";
import { signOut } from "@/lib/auth/next-auth";
import { revokeSession } from "@/lib/auth/sessions";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";

/** Ends this browser's session on the server, then clears the cookie. */
export async function signOutAction(): Promise<void> {
  const actor = await currentActor();
  if (actor) {
    const context = await requestContext();
    await getDb().transaction(async (tx) => {
      await revokeSession(tx, actor.sessionId);
      await recordAuditEvent(tx, {
        ...actorFields(actor, context),
        action: "auth.sign_out",
        targetType: "session",
        targetId: actor.sessionId,
        outcome: "success",
      });
    });
  }
  await signOut({ redirectTo: "/sign-in" });
}
