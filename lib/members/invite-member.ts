import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { invitations, memberships, users } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { LINK_PLACEHOLDER, mailConfigured, queueEmail } from "@/lib/mail/outbox";
import { inviteMemberSchema } from "@/lib/schemas/members";
import { sha256Hex } from "@/lib/security/hashing";
import { randomBase62 } from "@/lib/security/random";

export const INVITATION_DAYS = 7;

/**
 * Invites someone by e-mail with a role. The link carries a one-time token (≈ 256 bits) kept only
 * as a hash; it is returned once, for the inviter to pass on, and e-mailed when mail is configured
 * (the outbox holds it only sealed until it is sent, and not at all after).
 * A new invitation to the same address replaces the pending one.
 */
export const inviteMember = defineCommand({
  action: "member.invite",
  target: { type: "invitation" },
  requires: { permission: "members:manage", grants: (input) => input.roleId },
  schema: inviteMemberSchema,
  pin: true,
  load: async ({ db, actor, input: { email } }) => {
    const [existing] = await db
      .select({ id: users.id })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, actor.org.id), eq(users.email, email)))
      .limit(1);
    if (existing) throw new DomainError("invalid_request", "Check the highlighted fields.", { email: `${email} is already a member` });
  },
  run: async ({ db, actor, input: { email }, request, role }): Promise<{ link: string; emailed: boolean }> => {
    const orgId = actor.org.id;
    const token = `lkinv_${randomBase62(43)}`;
    if (!request.origin) throw new Error("an invitation needs the portal's origin for its link");
    const link = `${request.origin}/invite/${token}`;
    const emailed = mailConfigured();
    await db.transaction(async (tx) => {
      await tx
        .update(invitations)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(invitations.orgId, orgId), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
      const [invitation] = await tx
        .insert(invitations)
        .values({
          orgId,
          email,
          roleId: role.id,
          tokenHash: sha256Hex(token),
          invitedBy: actor.user.id,
          expiresAt: sql`now() + make_interval(days => ${INVITATION_DAYS})`,
        })
        .returning({ id: invitations.id });
      if (emailed) {
        // The outbox keeps the body with a placeholder and the link only sealed: nobody who reads the
        // table or /ops/outbox can accept the invitation.
        await queueEmail(tx, {
          dedupeKey: `invitation:${invitation!.id}`,
          to: email,
          subject: `${actor.user.name} invited you to ${actor.org.name} on Latchkey`,
          body: `${actor.user.name} invited you to join ${actor.org.name} as ${role.name}.\n\nAccept within ${INVITATION_DAYS} days:\n${LINK_PLACEHOLDER}\n\nThe link works once. If you did not expect this, ignore this message.`,
          link,
        });
      }
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "member.invite",
        targetType: "invitation",
        targetId: invitation!.id,
        outcome: "success",
        metadata: { email, role: role.name },
      });
    });
    return { link, emailed };
  },
});
