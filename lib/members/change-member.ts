import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { invitations, memberships, roles } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { changeMemberRoleSchema, memberActionSchema } from "@/lib/schemas/members";
import { loadMember } from "./rules";

const CHANGED_MEANWHILE = "This member's role changed while you were confirming. Reload the page and try again.";

/**
 * Gives a member another role. The change is felt on their very next request: permissions are read
 * from the database on each one. The update only applies if the member still holds the role read
 * at the start, so it cannot undo a concurrent change (a hand-on of the Superadmin role, say).
 */
export const changeMemberRole = defineCommand({
  action: "member.role_change",
  target: { type: "member", id: (input) => input.userId },
  requires: { permission: "members:manage", manages: (input) => input.userId, grants: (input) => input.roleId },
  schema: changeMemberRoleSchema,
  pin: true,
  run: async ({ db, actor, input: { userId }, request, member, role }) => {
    const orgId = actor.org.id;
    await db.transaction(async (tx) => {
      const [row] = await tx
        .update(memberships)
        .set({ roleId: role.id })
        .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId), eq(memberships.roleId, member.role.id)))
        .returning({ id: memberships.id });
      if (!row) throw new DomainError("conflict", CHANGED_MEANWHILE);
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "member.role_change",
        targetType: "member",
        targetId: userId,
        outcome: "success",
        metadata: { email: member.email, from: member.role.name, to: role.name },
      });
    });
  },
});

/** Removes a member from the organisation; their next request no longer sees it. */
export const removeMember = defineCommand({
  action: "member.remove",
  target: { type: "member", id: (input) => input.userId },
  requires: { permission: "members:manage", manages: (input) => input.userId },
  schema: memberActionSchema,
  pin: true,
  run: async ({ db, actor, input: { userId }, request, member }) => {
    const orgId = actor.org.id;
    await db.transaction(async (tx) => {
      const [row] = await tx
        .delete(memberships)
        .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId), eq(memberships.roleId, member.role.id)))
        .returning({ id: memberships.id });
      if (!row) throw new DomainError("conflict", CHANGED_MEANWHILE);
      // Their authority leaves with them: the invitations they sent and nobody has used are withdrawn.
      await tx
        .update(invitations)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(invitations.orgId, orgId), eq(invitations.invitedBy, userId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "member.remove",
        targetType: "member",
        targetId: userId,
        outcome: "success",
        metadata: { email: member.email, role: member.role.name },
      });
    });
  },
});

/**
 * The Superadmin hands the role on to another member and becomes an Admin, in one transaction.
 * The Superadmin's own membership is changed first and only if it still holds the role, so two
 * hand-ons at once leave exactly one Superadmin.
 */
export const handOnSuperadmin = defineCommand({
  action: "member.superadmin_handover",
  target: { type: "member", id: (input) => input.userId },
  requires: { permission: "members:manage", superadmin: { message: "Only the Superadmin can hand the role on." } },
  schema: memberActionSchema,
  pin: true,
  load: async ({ db, actor, input: { userId } }) => {
    const member = await loadMember(db, actor.org.id, userId);
    if (member.userId === actor.user.id)
      throw new DomainError("invalid_request", "Choose another member to hand the role on to.", { userId: "Choose another member" });
    return member;
  },
  run: async ({ db, actor, input: { userId }, request }, member) => {
    const orgId = actor.org.id;
    const builtIn = await db.select({ id: roles.id, builtIn: roles.builtIn }).from(roles).where(eq(roles.orgId, orgId));
    const superadminRole = builtIn.find((r) => r.builtIn === "superadmin")!.id;
    const adminRole = builtIn.find((r) => r.builtIn === "admin")!.id;
    await db.transaction(async (tx) => {
      const [stepDown] = await tx
        .update(memberships)
        .set({ roleId: adminRole })
        .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, actor.user.id), eq(memberships.roleId, superadminRole)))
        .returning({ id: memberships.id });
      if (!stepDown) throw new DomainError("conflict", "You no longer hold the Superadmin role.");
      const [stepUp] = await tx
        .update(memberships)
        .set({ roleId: superadminRole })
        .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId), eq(memberships.roleId, member.role.id)))
        .returning({ id: memberships.id });
      if (!stepUp) throw new DomainError("conflict", CHANGED_MEANWHILE);
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "member.superadmin_handover",
        targetType: "member",
        targetId: userId,
        outcome: "success",
        metadata: { email: member.email, from: member.role.name },
      });
    });
  },
});
