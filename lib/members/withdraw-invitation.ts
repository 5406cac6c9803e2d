import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { invitations } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { withdrawInvitationSchema } from "@/lib/schemas/members";

/** Withdraws a pending invitation: its link stops working at once. */
export const withdrawInvitation = defineCommand({
  action: "member.invitation_withdraw",
  target: { type: "invitation", id: (input) => input.invitationId },
  requires: { permission: "members:manage" },
  schema: withdrawInvitationSchema,
  run: async ({ db, actor, input: { invitationId }, request }) => {
    await db.transaction(async (tx) => {
      const [row] = await tx
        .update(invitations)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(invitations.id, invitationId), eq(invitations.orgId, actor.org.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
        .returning({ email: invitations.email });
      if (!row) throw new NotFoundError("That invitation");
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "member.invitation_withdraw",
        targetType: "invitation",
        targetId: invitationId,
        outcome: "success",
        metadata: { email: row.email },
      });
    });
  },
});
