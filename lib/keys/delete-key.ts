import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Actor } from "@/lib/auth/actor";
import { authorizeAudited } from "@/lib/auth/authorize-audited";
import { verifyActionPin } from "@/lib/auth/pin";
import type { Database } from "@/lib/db";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { accessTokens, apiKeys } from "@/lib/db/schema";
import { DomainError, NotFoundError, parseOrThrow } from "@/lib/errors";
import { resolveKeyReminders } from "@/lib/notifications/resolve-key-reminders";
import { deleteKeySchema } from "@/lib/schemas/keys";
import { loadOwnKey } from "./shared";

/**
 * Deletes a key: it is revoked at once (the next API call with it fails) and leaves the list; the
 * row stays as an audit tombstone. Deleting is allowed whatever the onboarding state: stopping
 * access must always be possible.
 */
export async function deleteKey(db: Database, actor: Actor, input: unknown, request: RequestInfo): Promise<void> {
  const { keyId, confirmAlias, pin } = parseOrThrow(deleteKeySchema.safeParse(input));
  await authorizeAudited(db, actor, { permission: "keys:delete" }, { action: "key.delete", targetType: "api_key", targetId: keyId }, request);
  const key = await loadOwnKey(db, actor.org!.id, keyId);
  if (confirmAlias.trim() !== key.alias) {
    throw new DomainError("invalid_request", "Check the highlighted fields.", { confirmAlias: `Type “${key.alias}” to confirm` });
  }
  await verifyActionPin(db, actor, pin, request);
  await changingKeyAccess(db, () => db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`now()`, revokedBy: actor.user.id })
      .where(and(eq(apiKeys.id, key.id), eq(apiKeys.orgId, actor.org!.id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    if (!row) throw new NotFoundError("That API key");
    // Access tokens issued for the old secret die with it.
    await tx.delete(accessTokens).where(eq(accessTokens.keyId, key.id));
    // Its expiry reminders lose their cause: out of the bell, and unsent e-mails withdrawn.
    await resolveKeyReminders(tx, [key.id]);
    await recordAuditEvent(tx, {
      ...actorFields(actor, request),
      action: "key.delete",
      targetType: "api_key",
      targetId: key.id,
      outcome: "success",
      metadata: { alias: key.alias, prefix: key.prefix },
    });
  }));
}
