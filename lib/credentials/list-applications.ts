import "server-only";
import { and, asc, count, eq, isNull } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import { AccessError } from "@/lib/auth/errors";
import type { Executor } from "@/lib/db";
import { apiKeys, applications } from "@/lib/db/schema";
import { secretIssued } from "./create-application";

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
    .where(eq(applications.orgId, org.id))
    .orderBy(asc(applications.createdAt), asc(applications.name));
}

/** Application names for switching and filtering: anyone who may see keys may see these. */
export async function listApplicationNames(db: Executor, actor: Actor) {
  const { org } = authorize(actor, { permission: "keys:view" });
  return db
    .select({ id: applications.id, name: applications.name })
    .from(applications)
    .where(eq(applications.orgId, org.id))
    .orderBy(asc(applications.createdAt), asc(applications.name));
}

/** An application as its list and its own page show it: never the secret's hash. */
export const APPLICATION_COLUMNS = {
  id: applications.id,
  name: applications.name,
  createdAt: applications.createdAt,
  clientId: applications.clientId,
  clientSecretLast4: applications.clientSecretLast4,
  secretRotatedAt: applications.secretRotatedAt,
};

/**
 * The applications as the credentials page lists them, each linking to its own view: client ID and
 * the secret's state for members with credentials:view, the number of keys for members with keys:view.
 */
export async function listApplicationSummaries(db: Executor, actor: Actor) {
  const { org } = authorize(actor, { organisation: true });
  const { seesCredentials, seesKeys } = applicationViewer(actor);
  const rows = await db
    .select({ ...APPLICATION_COLUMNS, keyCount: count(apiKeys.id) })
    .from(applications)
    .leftJoin(apiKeys, and(eq(apiKeys.applicationId, applications.id), eq(apiKeys.orgId, org.id), isNull(apiKeys.revokedAt)))
    .where(eq(applications.orgId, org.id))
    .groupBy(applications.id)
    .orderBy(asc(applications.createdAt), asc(applications.name));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.createdAt,
    credentials: seesCredentials
      ? { clientId: r.clientId, secretIssued: secretIssued(r), clientSecretLast4: r.clientSecretLast4, secretRotatedAt: r.secretRotatedAt }
      : null,
    keyCount: seesKeys ? r.keyCount : null,
  }));
}

/**
 * What a member sees of applications: their credentials with `credentials:view`, their keys with
 * `keys:view`; with neither, nothing.
 */
export function applicationViewer(actor: Actor): { seesCredentials: boolean; seesKeys: boolean } {
  const seesCredentials = actor.permissions.has("credentials:view");
  const seesKeys = actor.permissions.has("keys:view");
  if (!seesCredentials && !seesKeys) throw new AccessError("forbidden");
  return { seesCredentials, seesKeys };
}
