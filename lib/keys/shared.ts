import "server-only";
import { and, eq } from "drizzle-orm";
import type { ActorOrganisation, MemberActor } from "@/lib/auth/actor";
import type { Executor } from "@/lib/db";
import { apiKeys } from "@/lib/db/schema";
import { DomainError, NotFoundError } from "@/lib/errors";
import { keyManagementBlockers } from "@/lib/organisations/onboarding";
import { liveKey } from "./list-keys";

/** Key management needs an approved organisation with at least one product. */
export function assertKeyManagementOpen(org: ActorOrganisation): void {
  const blockers = keyManagementBlockers(org);
  if (blockers.length) throw new DomainError("key_management_closed", blockers.join(" "));
}

/** A key of the actor's organisation that has not been deleted; another organisation's id is simply not found. */
export async function loadOwnKey(db: Executor, orgId: string, keyId: string) {
  const [key] = await db
    .select({
      id: apiKeys.id,
      alias: apiKeys.alias,
      prefix: apiKeys.prefix,
      mode: apiKeys.mode,
      secretHash: apiKeys.secretHash,
      expiresAt: apiKeys.expiresAt,
      leakedAt: apiKeys.leakedAt,
      retiresAt: apiKeys.retiresAt,
      permissions: apiKeys.permissions,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, orgId), liveKey(new Date())))
    .limit(1);
  if (!key) throw new NotFoundError("That API key");
  return key;
}

/** The load of every command on one existing key: key management open, and the key the organisation's own. */
export function loadManagedKey({ db, actor, input }: { db: Executor; actor: MemberActor; input: { keyId: string } }) {
  assertKeyManagementOpen(actor.org);
  return loadOwnKey(db, actor.org.id, input.keyId);
}
