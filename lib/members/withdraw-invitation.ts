import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Actor } from "@/lib/auth/actor";
import { authorizeAudited } from "@/lib/auth/authorize-audited";
import type { Database } from "@/lib/db";
import { invitations } from "@/lib/db/schema";
import { NotFoundError, parseOrThrow } from "@/lib/errors";
import { withdrawInvitationSchema } from "@/lib/schemas/members";

/** Withdraws a pending invitation: its link stops working at once. */
export async function withdrawInvitation(db: Database, actor: Actor, input: unknown, request: RequestInfo): Promise<void> {
  const { invitationId } = parseOrThrow(withdrawInvitationSchema.safeParse(input));
  await authorizeAudited(db, actor, { permission: "members:manage" }, { action: "member.invitation_withdraw", targetType: "invitation", targetId: invitationId }, request);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(invitations.id, invitationId), eq(invitations.orgId, actor.org!.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning({ email: invitations.email });
    if (!row) throw new NotFoundError("That invitation");
    await recordAuditEvent(tx, { ...actorFields(actor, request), action: "member.invitation_withdraw", targetType: "invitation", targetId: invitationId, outcome: "success", metadata: { email: row.email } });
  });
}
