import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { applications } from "@/lib/db/schema";

/** The organisation's applications with their client IDs — never the secret, only its last four. */
export async function listApplications(db: Executor, actor: Actor) {
  const { org } = authorize(actor, { permission: "credentials:view" });
  return db
    .select({
      id: applications.id,
      name: applications.name,
      clientId: applications.clientId,
      clientSecretLast4: applications.clientSecretLast4,
      secretRotatedAt: applications.secretRotatedAt,
      createdAt: applications.createdAt,
    })
    .from(applications)
    .where(eq(applications.orgId, org!.id))
    .orderBy(asc(applications.createdAt), asc(applications.name));
}

/** Application names for switching and filtering: anyone who may see keys may see these. */
export async function listApplicationNames(db: Executor, actor: Actor) {
  const { org } = authorize(actor, { permission: "keys:view" });
  return db
    .select({ id: applications.id, name: applications.name })
    .from(applications)
    .where(eq(applications.orgId, org!.id))
    .orderBy(asc(applications.createdAt), asc(applications.name));
}
