import "server-only";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import type { Database, Executor } from "@/lib/db";
import { invitations, memberships, organisations, roles, sessions, users } from "@/lib/db/schema";
import { DomainError, parseOrThrow } from "@/lib/errors";
import { acceptInvitationSchema } from "@/lib/schemas/members";
import { hashSecret, sha256Hex } from "@/lib/security/hashing";
import { isMemberPermission } from "@/lib/permissions";
import { grantRefusal, loadRole } from "./rules";

export interface PendingInvitation {
  id: string;
  email: string;
  orgName: string;
  roleName: string;
  /** Whether the address already has a Latchkey sign-in. */
  existingUser: boolean;
}

/** The invitation a link's token opens, while it is pending and unexpired; null otherwise. */
export async function findInvitation(db: Executor, token: string): Promise<PendingInvitation | null> {
  if (!/^lkinv_[0-9A-Za-z]{43}$/.test(token)) return null;
  const [row] = await db
    .select({ id: invitations.id, email: invitations.email, orgName: organisations.name, roleName: roles.name, existingUserId: users.id })
    .from(invitations)
    .innerJoin(organisations, eq(organisations.id, invitations.orgId))
    .innerJoin(roles, eq(roles.id, invitations.roleId))
    .leftJoin(users, eq(users.email, invitations.email))
    .where(
      and(eq(invitations.tokenHash, sha256Hex(token)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, sql`now()`)),
    )
    .limit(1);
  return row ? { id: row.id, email: row.email, orgName: row.orgName, roleName: row.roleName, existingUser: row.existingUserId !== null } : null;
}

const GONE = "This invitation has been used, withdrawn or has expired. Ask for a new one.";
const NO_LONGER_VALID = "This invitation is no longer valid — ask an admin to invite you again.";

/**
 * Authority is checked when it is used: the inviter must still be a member of the organisation who
 * manages members and may grant the invited role (never Superadmin; an Admin only what they hold).
 */
async function assertInviterStillMayGrant(tx: Executor, invitation: typeof invitations.$inferSelect) {
  const [inviter] = await tx
    .select({ roleId: roles.id, roleName: roles.name, builtIn: roles.builtIn, permissions: roles.permissions })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(and(eq(memberships.orgId, invitation.orgId), eq(memberships.userId, invitation.invitedBy)))
    .limit(1);
  const role = await loadRole(tx, invitation.orgId, invitation.roleId).catch(() => null);
  if (!inviter || !role || !inviter.permissions.includes("members:manage")) throw new DomainError("invitation_invalid", NO_LONGER_VALID);
  const granter = {
    role: { id: inviter.roleId, name: inviter.roleName, builtIn: inviter.builtIn },
    permissions: new Set(inviter.permissions.filter(isMemberPermission)),
  };
  if (grantRefusal(granter, role)) throw new DomainError("invitation_invalid", NO_LONGER_VALID);
}

/** Claims a pending invitation by its token — once: the claim is one conditional update. */
async function claimInvitation(tx: Executor, token: string, email?: string) {
  const [invitation] = await tx
    .update(invitations)
    .set({ acceptedAt: sql`now()` })
    .where(
      and(
        eq(invitations.tokenHash, sha256Hex(token)),
        email ? eq(invitations.email, email) : undefined,
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, sql`now()`),
      ),
    )
    .returning();
  if (!invitation) throw new DomainError("invitation_gone", email ? `${GONE} An invitation only works for the address it was sent to.` : GONE);
  await assertInviterStillMayGrant(tx, invitation);
  return invitation;
}

/** The new member joins with the invited role, on the record. */
async function join(tx: Executor, invitation: typeof invitations.$inferSelect, user: { id: string; email: string }, request: RequestInfo) {
  await tx.insert(memberships).values({ orgId: invitation.orgId, userId: user.id, roleId: invitation.roleId }).onConflictDoNothing();
  await recordAuditEvent(tx, {
    orgId: invitation.orgId,
    actorUserId: user.id,
    actorLabel: user.email,
    ip: request.ip,
    requestId: request.requestId,
    action: "member.join",
    targetType: "invitation",
    targetId: invitation.id,
    outcome: "success",
  });
}

/**
 * Accepts an invitation as a new person: sets their name and password, and joins them to the
 * organisation with the invited role. The token works once, and the PIN is set at the first
 * sign-in. Someone who already has a sign-in joins with `joinWithInvitation` instead, signed in.
 */
export async function acceptInvitation(db: Database, input: unknown, request: RequestInfo): Promise<{ email: string }> {
  const { token, name, password } = parseOrThrow(acceptInvitationSchema.safeParse(input));
  const passwordHash = await hashSecret(password);
  return db.transaction(async (tx) => {
    const invitation = await claimInvitation(tx, token);
    const [user] = await tx
      .insert(users)
      .values({ email: invitation.email, name, passwordHash })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id });
    if (!user) throw new DomainError("existing_user", "This address already has a Latchkey sign-in: sign in first, then open the link again.");
    await join(tx, invitation, { id: user.id, email: invitation.email }, request);
    return { email: invitation.email };
  });
}

/** Joins a signed-in person to the organisation of an invitation addressed to them, and makes it their session's active one. */
export async function joinWithInvitation(
  db: Database,
  user: { id: string; email: string },
  sessionId: string,
  token: string,
  request: RequestInfo,
): Promise<{ orgId: string }> {
  if (!/^lkinv_[0-9A-Za-z]{43}$/.test(token)) throw new DomainError("invitation_gone", GONE);
  return db.transaction(async (tx) => {
    const invitation = await claimInvitation(tx, token, user.email);
    await join(tx, invitation, user, request);
    await tx
      .update(sessions)
      .set({ activeOrgId: invitation.orgId })
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, user.id)));
    return { orgId: invitation.orgId };
  });
}

/** `joinWithInvitation` as the signed-in person's own command: the invitation to their address is the authority. */
export const joinOrganisation = defineCommand({
  action: "member.join",
  target: { type: "invitation" },
  requires: { self: "the invitation to the caller's own address is the authority", allowWithoutPin: true },
  schema: z.strictObject({ token: z.string().max(200) }),
  run: ({ db, actor, input: { token }, request }) => joinWithInvitation(db, actor.user, actor.sessionId, token, request),
});
