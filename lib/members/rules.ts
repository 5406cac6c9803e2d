import "server-only";
import { and, eq } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Actor } from "@/lib/auth/actor";
import type { Executor } from "@/lib/db";
import { memberships, roles, users } from "@/lib/db/schema";
import { DomainError, type DomainErrorCode, NotFoundError } from "@/lib/errors";

export interface RoleRow {
  id: string;
  name: string;
  builtIn: string | null;
  permissions: string[];
}

export interface MemberTarget {
  userId: string;
  email: string;
  name: string;
  role: RoleRow;
}

/** Who grants: an acting member, or an inviter whose authority is checked again when the invitation is used. */
export type Granter = Pick<Actor, "role" | "permissions">;

export function isSuperadmin(actor: Granter): boolean {
  return actor.role?.builtIn === "superadmin";
}

/** A role of the organisation; another organisation's role is simply not found. */
export async function loadRole(db: Executor, orgId: string, roleId: string): Promise<RoleRow> {
  const [role] = await db
    .select({ id: roles.id, name: roles.name, builtIn: roles.builtIn, permissions: roles.permissions })
    .from(roles)
    .where(and(eq(roles.id, roleId), eq(roles.orgId, orgId)))
    .limit(1);
  if (!role) throw new NotFoundError("That role");
  return role;
}

/** A member of the organisation with their current role. */
export async function loadMember(db: Executor, orgId: string, userId: string): Promise<MemberTarget> {
  const [row] = await db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      roleId: roles.id,
      roleName: roles.name,
      builtIn: roles.builtIn,
      permissions: roles.permissions,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .limit(1);
  if (!row) throw new NotFoundError("That member");
  return {
    userId: row.userId,
    email: row.email,
    name: row.name,
    role: { id: row.roleId, name: row.roleName, builtIn: row.builtIn, permissions: row.permissions },
  };
}

/** Permissions of `role` that the actor does not hold. */
function beyondActor(actor: Granter, role: RoleRow): string[] {
  return role.permissions.filter((p) => !actor.permissions.has(p as never));
}

/**
 * Refuses, with one audit row, an attempt to gain or hand out more than the rules allow. The
 * refusal changes nothing else.
 */
async function refuse(
  db: Executor,
  actor: Actor,
  request: RequestInfo,
  attempted: { action: string; targetType: string; targetId: string | null },
  reason: string,
  message: string,
  { field, code = "escalation_refused" }: { field?: string; code?: DomainErrorCode } = {},
): Promise<never> {
  await recordAuditEvent(db, { ...actorFields(actor, request), ...attempted, outcome: "denied", metadata: { reason } });
  throw new DomainError(code, message, field ? { [field]: message } : undefined);
}

type Refusal = { reason: string; message: string } | null;

/** Why the actor may not grant `role`, or null: the Superadmin role is handed on, never granted; others grant only what they hold. */
export function grantRefusal(actor: Granter, role: RoleRow): Refusal {
  if (role.builtIn === "superadmin") return { reason: "grant_superadmin", message: "The Superadmin role cannot be granted; the Superadmin hands it on." };
  if (!isSuperadmin(actor) && beyondActor(actor, role).length > 0)
    return { reason: "grant_beyond_own", message: `You cannot grant ${role.name}: it holds permissions your role does not.` };
  return null;
}

/** Why the actor may not change or remove `member`, or null: nobody changes themselves; the Superadmin is never changed or removed; others manage only members holding no more than they do. */
export function manageRefusal(actor: Actor, member: { userId: string; name: string; role: RoleRow }): Refusal {
  if (member.userId === actor.user.id) return { reason: "self", message: "You cannot change your own role or remove yourself." };
  if (member.role.builtIn === "superadmin")
    return { reason: "superadmin", message: "The Superadmin cannot be changed or removed; they hand the role on first." };
  if (!isSuperadmin(actor) && beyondActor(actor, member.role).length > 0)
    return { reason: "member_beyond_own", message: `${member.name} holds permissions your role does not; only the Superadmin can change them.` };
  return null;
}

/** Refuses, audited, anyone but the Superadmin: for what only the main account holder may do. */
export async function assertSuperadmin(
  db: Executor,
  actor: Actor,
  request: RequestInfo,
  attempted: { action: string; targetType: string; targetId: string | null },
  refusal: { message: string; code?: DomainErrorCode },
) {
  if (!isSuperadmin(actor)) await refuse(db, actor, request, attempted, "not_superadmin", refusal.message, { code: refusal.code });
}

export async function assertMayGrant(
  db: Executor,
  actor: Actor,
  role: RoleRow,
  request: RequestInfo,
  attempted: { action: string; targetType: string; targetId: string },
) {
  const refusal = grantRefusal(actor, role);
  if (refusal) await refuse(db, actor, request, attempted, refusal.reason, refusal.message, { field: "roleId" });
}

export async function assertMayManage(db: Executor, actor: Actor, member: MemberTarget, request: RequestInfo, action: string) {
  const refusal = manageRefusal(actor, member);
  if (refusal) await refuse(db, actor, request, { action, targetType: "member", targetId: member.userId }, refusal.reason, refusal.message);
}
