import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { memberships, passkeys, roles, users } from "@/lib/db/schema";

export interface MemberRow {
  userId: string;
  name: string;
  email: string;
  roleId: string;
  roleName: string;
  builtInRole: string | null;
  rolePermissions: string[];
  joinedAt: Date;
  pinSet: boolean;
  /** How many passkeys the member has registered (an Admin can reset them). */
  passkeys: number;
}

/** Everyone in the actor's active organisation; any member may see who else is in it. */
export async function listMembers(db: Executor, actor: Actor): Promise<MemberRow[]> {
  const { org } = authorize(actor, { organisation: true });
  const rows = await db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      roleId: roles.id,
      roleName: roles.name,
      builtInRole: roles.builtIn,
      rolePermissions: roles.permissions,
      joinedAt: memberships.createdAt,
      pinSetAt: users.pinSetAt,
      passkeys: sql<number>`(select count(*)::int from ${passkeys} where ${passkeys.userId} = ${users.id})`,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(eq(memberships.orgId, org.id))
    .orderBy(asc(users.name));
  return rows.map(({ pinSetAt, ...row }) => ({ ...row, pinSet: pinSetAt !== null }));
}
