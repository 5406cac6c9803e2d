import "server-only";
import { asc, count, eq, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { applications, memberships, organisations } from "@/lib/db/schema";

/** Every customer organisation with its onboarding status, for bank operators. */
export async function listOrganisationsForOperator(db: Executor, actor: Actor) {
  authorize(actor, { operator: true });
  return db
    .select({
      id: organisations.id,
      name: organisations.name,
      kind: organisations.kind,
      status: organisations.status,
      products: organisations.products,
      createdAt: organisations.createdAt,
      members: count(memberships.id),
      applications: sql<number>`(select count(*) from ${applications} where ${applications.orgId} = ${organisations.id})::int`,
    })
    .from(organisations)
    .leftJoin(memberships, eq(memberships.orgId, organisations.id))
    .groupBy(organisations.id)
    .orderBy(asc(organisations.name));
}
