import "server-only";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { invitations, roles, users } from "@/lib/db/schema";

/** Pending, unexpired invitations of the organisation, for those who manage members. */
export async function listPendingInvitations(db: Executor, actor: Actor) {
  const { org } = authorize(actor, { permission: "members:manage" });
  return db
    .select({
      id: invitations.id,
      email: invitations.email,
      roleName: roles.name,
      invitedBy: users.name,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
    })
    .from(invitations)
    .innerJoin(roles, eq(roles.id, invitations.roleId))
    .innerJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.orgId, org.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, sql`now()`)))
    .orderBy(desc(invitations.createdAt));
}
