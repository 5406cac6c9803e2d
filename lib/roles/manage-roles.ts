import "server-only";
import { and, asc, count, eq, isNull } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import { defineCommand } from "@/lib/auth/command";
import type { Executor } from "@/lib/db";
import { invitations, memberships, roles } from "@/lib/db/schema";
import { DomainError, isUniqueViolation, NotFoundError } from "@/lib/errors";
import { createRoleSchema, deleteRoleSchema, updateRoleSchema } from "@/lib/schemas/members";

export interface RoleListRow {
  id: string;
  name: string;
  description: string | null;
  builtIn: string | null;
  permissions: string[];
  members: number;
}

/** The organisation's roles, built-in first, with how many members hold each. */
export async function listRoles(db: Executor, actor: Actor): Promise<RoleListRow[]> {
  const { org } = authorize(actor, { organisation: true });
  const rows = await db
    .select({
      id: roles.id,
      name: roles.name,
      description: roles.description,
      builtIn: roles.builtIn,
      permissions: roles.permissions,
      members: count(memberships.id),
    })
    .from(roles)
    .leftJoin(memberships, eq(memberships.roleId, roles.id))
    .where(eq(roles.orgId, org.id))
    .groupBy(roles.id)
    .orderBy(asc(roles.createdAt), asc(roles.name));
  const order = ["superadmin", "admin", "developer", "viewer"];
  return rows.sort((a, b) => (a.builtIn ? order.indexOf(a.builtIn) : 99) - (b.builtIn ? order.indexOf(b.builtIn) : 99));
}

/** Custom roles are the Superadmin's: checked, and a refusal audited, before anything is read. */
const SUPERADMIN_ONLY = {
  permission: "members:manage",
  superadmin: { code: "forbidden", message: "Only the Superadmin creates, edits and deletes roles." },
} as const;

/** Runs a write that names a role; a name the organisation already uses is the name field's error. */
async function withFreeName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError("invalid_request", "Check the highlighted fields.", { name: `A role called “${name}” already exists` });
    throw error;
  }
}

async function loadCustomRole(db: Executor, orgId: string, roleId: string) {
  const [role] = await db
    .select()
    .from(roles)
    .where(and(eq(roles.id, roleId), eq(roles.orgId, orgId)))
    .limit(1);
  if (!role) throw new NotFoundError("That role");
  if (role.builtIn) throw new DomainError("built_in_role", `${role.name} is a built-in role; it cannot be edited or deleted.`);
  return role;
}

/** Creates a custom role from the member permissions. */
export const createRole = defineCommand({
  action: "role.create",
  target: { type: "role" },
  requires: SUPERADMIN_ONLY,
  schema: createRoleSchema,
  pin: true,
  run: async ({ db, actor, input: fields, request }): Promise<{ id: string }> => {
    return withFreeName(fields.name, () =>
      db.transaction(async (tx) => {
        const [role] = await tx
          .insert(roles)
          .values({ orgId: actor.org.id, name: fields.name, description: fields.description || null, permissions: [...new Set(fields.permissions)] })
          .returning({ id: roles.id });
        await recordAuditEvent(tx, {
          ...actorFields(actor, request),
          action: "role.create",
          targetType: "role",
          targetId: role!.id,
          outcome: "success",
          metadata: { name: fields.name, permissions: fields.permissions.join(" ") },
        });
        return { id: role!.id };
      }),
    );
  },
});

/** Edits a custom role; its members feel the new permissions on their very next request. */
export const updateRole = defineCommand({
  action: "role.update",
  target: { type: "role", id: (input) => input.roleId },
  requires: SUPERADMIN_ONLY,
  schema: updateRoleSchema,
  pin: true,
  load: ({ db, actor, input }) => loadCustomRole(db, actor.org.id, input.roleId),
  run: async ({ db, actor, input: { roleId, ...fields }, request }, before) => {
    await withFreeName(fields.name, () =>
      db.transaction(async (tx) => {
        await tx
          .update(roles)
          .set({ name: fields.name, description: fields.description || null, permissions: [...new Set(fields.permissions)] })
          .where(and(eq(roles.id, roleId), eq(roles.orgId, actor.org.id), isNull(roles.builtIn)));
        await recordAuditEvent(tx, {
          ...actorFields(actor, request),
          action: "role.update",
          targetType: "role",
          targetId: roleId,
          outcome: "success",
          metadata: { name: fields.name, from: before.permissions.join(" "), to: fields.permissions.join(" ") },
        });
      }),
    );
  },
});

/** Deletes a custom role nobody holds and no pending invitation offers. */
export const deleteRole = defineCommand({
  action: "role.delete",
  target: { type: "role", id: (input) => input.roleId },
  requires: SUPERADMIN_ONLY,
  schema: deleteRoleSchema,
  pin: true,
  load: ({ db, actor, input }) => loadCustomRole(db, actor.org.id, input.roleId),
  run: async ({ db, input: { roleId }, actor, request }, role) => {
    await db.transaction(async (tx) => {
      // Locks the role row: a member cannot be given it between the count and the delete.
      await tx.select({ id: roles.id }).from(roles).where(eq(roles.id, roleId)).for("update");
      const [held] = await tx.select({ n: count() }).from(memberships).where(eq(memberships.roleId, roleId));
      if (held!.n > 0)
        throw new DomainError("role_in_use", `${held!.n} ${held!.n === 1 ? "member holds" : "members hold"} ${role.name}: give them another role first.`);
      // Invitations offering the role go with it; the audit log keeps their story.
      await tx.delete(invitations).where(eq(invitations.roleId, roleId));
      await tx.delete(roles).where(eq(roles.id, roleId));
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "role.delete",
        targetType: "role",
        targetId: roleId,
        outcome: "success",
        metadata: { name: role.name },
      });
    });
  },
});
