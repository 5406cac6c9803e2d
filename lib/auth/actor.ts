import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { memberships, organisations, passkeys, roles, sessions, users } from "@/lib/db/schema";
import { isMemberPermission, type ApiProduct, type MemberPermission } from "@/lib/permissions";

export interface ActorOrganisation {
  id: string;
  name: string;
  kind: "private" | "business";
  status: "pending" | "approved" | "suspended";
  products: ApiProduct[];
}

export interface ActorMembership {
  orgId: string;
  orgName: string;
  orgKind: "private" | "business";
  roleName: string;
}

/** Who is acting, in which organisation, with which permissions — read fresh from the database. */
export interface Actor {
  sessionId: string;
  /** `hasPasskey`: whether a passkey can confirm in place of the PIN ("Use passkey" is offered first). */
  user: { id: string; name: string; email: string; isOperator: boolean; hasPin: boolean; hasPasskey: boolean };
  org: ActorOrganisation | null;
  role: { id: string; name: string; builtIn: string | null } | null;
  permissions: ReadonlySet<MemberPermission>;
  memberships: ActorMembership[];
}

/** An actor acting inside an organisation: what authorization hands back once it required one. */
export type MemberActor = Actor & { org: ActorOrganisation; role: NonNullable<Actor["role"]> };

export async function loadActor(db: Executor, sessionId: string): Promise<Actor | null> {
  const [row] = await db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      isOperator: users.isOperator,
      pinHash: users.pinHash,
      hasPasskey: sql<boolean>`exists (select 1 from ${passkeys} where ${passkeys.userId} = ${users.id})`.mapWith(Boolean),
      activeOrgId: sessions.activeOrgId,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sessionId))
    .limit(1);
  if (!row) return null;

  const rows = await db
    .select({
      orgId: organisations.id,
      orgName: organisations.name,
      orgKind: organisations.kind,
      orgStatus: organisations.status,
      products: organisations.products,
      roleId: roles.id,
      roleName: roles.name,
      builtIn: roles.builtIn,
      permissions: roles.permissions,
    })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.orgId))
    .innerJoin(roles, and(eq(roles.id, memberships.roleId), eq(roles.orgId, memberships.orgId)))
    .where(eq(memberships.userId, row.userId))
    .orderBy(asc(organisations.name));

  // The active organisation must be one the user still belongs to; otherwise fall back to the first.
  const active = rows.find((m) => m.orgId === row.activeOrgId) ?? rows[0] ?? null;
  return {
    sessionId,
    user: { id: row.userId, name: row.name, email: row.email, isOperator: row.isOperator, hasPin: row.pinHash !== null, hasPasskey: row.hasPasskey },
    org: active ? { id: active.orgId, name: active.orgName, kind: active.orgKind, status: active.orgStatus, products: active.products } : null,
    role: active ? { id: active.roleId, name: active.roleName, builtIn: active.builtIn } : null,
    permissions: new Set(active ? active.permissions.filter(isMemberPermission) : []),
    memberships: rows.map((m) => ({ orgId: m.orgId, orgName: m.orgName, orgKind: m.orgKind, roleName: m.roleName })),
  };
}
