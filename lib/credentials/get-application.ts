import "server-only";
import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { apiKeys, applications } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { secretIssued } from "./create-application";
import { APPLICATION_COLUMNS, applicationViewer } from "./list-applications";

const applicationIdSchema = z.uuid();

export interface ApplicationView {
  application: { id: string; name: string; createdAt: Date };
  /** Every application of the organisation, for the switcher (names only). */
  applications: { id: string; name: string }[];
  /** The client ID and the secret's state; null for a member without credentials:view. */
  credentials: { clientId: string; secretIssued: boolean; clientSecretLast4: string; secretRotatedAt: Date } | null;
  /** The application's keys that still exist; null for a member without keys:view. */
  keys: { id: string; alias: string; prefix: string; mode: "live" | "test"; expiresAt: Date; revokedAt: Date | null }[] | null;
}

/**
 * One application as its own page shows it: its credentials beside its keys (seed 000's connection
 * page). The credentials part needs credentials:view, the keys part keys:view; a member holding
 * neither is refused. Another organisation's application, or an id that is not one, is not found.
 */
export async function getApplicationView(db: Executor, actor: Actor, applicationId: unknown): Promise<ApplicationView> {
  const { org } = authorize(actor, { organisation: true });
  const { seesCredentials, seesKeys } = applicationViewer(actor);
  const parsed = applicationIdSchema.safeParse(applicationId);
  if (!parsed.success) throw new NotFoundError("That application");
  const orgId = org.id;
  const [row] = await db
    .select(APPLICATION_COLUMNS)
    .from(applications)
    .where(and(eq(applications.id, parsed.data), eq(applications.orgId, orgId)))
    .limit(1);
  if (!row) throw new NotFoundError("That application");
  const all = await db
    .select({ id: applications.id, name: applications.name })
    .from(applications)
    .where(eq(applications.orgId, orgId))
    .orderBy(asc(applications.createdAt), asc(applications.name));
  const keys = seesKeys
    ? await db
        .select({
          id: apiKeys.id,
          alias: apiKeys.alias,
          prefix: apiKeys.prefix,
          mode: apiKeys.mode,
          expiresAt: apiKeys.expiresAt,
          revokedAt: apiKeys.revokedAt,
        })
        .from(apiKeys)
        .where(and(eq(apiKeys.applicationId, row.id), eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt)))
        .orderBy(desc(apiKeys.createdAt), asc(apiKeys.alias))
    : null;
  return {
    application: { id: row.id, name: row.name, createdAt: row.createdAt },
    applications: all,
    credentials: seesCredentials
      ? { clientId: row.clientId, secretIssued: secretIssued(row), clientSecretLast4: row.clientSecretLast4, secretRotatedAt: row.secretRotatedAt }
      : null,
    keys,
  };
}

/** The application a member lands on from /credentials: the first one. */
export async function firstApplicationId(db: Executor, actor: Actor): Promise<string | null> {
  const { org } = authorize(actor, { organisation: true });
  const [row] = await db
    .select({ id: applications.id })
    .from(applications)
    .where(eq(applications.orgId, org.id))
    .orderBy(asc(applications.createdAt), asc(applications.name))
    .limit(1);
  return row?.id ?? null;
}
