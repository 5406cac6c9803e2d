import "server-only";
import type { Executor } from "@/lib/db";
import { organisations, roles } from "@/lib/db/schema";
import { BUILT_IN_ROLES, type ApiProduct, type BuiltInRole } from "@/lib/permissions";

export interface NewOrganisation {
  name: string;
  kind: "private" | "business";
  status: "pending" | "approved" | "suspended";
  products: ApiProduct[];
}

/** Creates an organisation with its four built-in roles; returns the ids of both. */
export async function createOrganisation(db: Executor, input: NewOrganisation) {
  const [org] = await db
    .insert(organisations)
    .values({ ...input, approvedAt: input.status === "approved" ? new Date() : null })
    .returning({ id: organisations.id });
  if (!org) throw new Error("organisation insert returned no row");
  const inserted = await db
    .insert(roles)
    .values(
      (Object.keys(BUILT_IN_ROLES) as BuiltInRole[]).map((key) => ({
        orgId: org.id,
        name: BUILT_IN_ROLES[key].name,
        builtIn: key,
        description: BUILT_IN_ROLES[key].description,
        permissions: BUILT_IN_ROLES[key].permissions,
      })),
    )
    .returning({ id: roles.id, builtIn: roles.builtIn });
  const roleIds = Object.fromEntries(inserted.map((r) => [r.builtIn, r.id])) as Record<BuiltInRole, string>;
  return { id: org.id, roleIds };
}
