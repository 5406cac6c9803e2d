import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Actor } from "@/lib/auth/actor";
import { authorizeAudited } from "@/lib/auth/authorize-audited";
import { verifyActionPin } from "@/lib/auth/pin";
import type { Database } from "@/lib/db";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { accessTokens, apiKeys } from "@/lib/db/schema";
import { DomainError, parseOrThrow } from "@/lib/errors";
import { keyActionSchema } from "@/lib/schemas/keys";
import { sha256Hex } from "@/lib/security/hashing";
import { generateApiKey } from "./key-format";
import { assertKeyManagementOpen, loadOwnKey } from "./shared";

/**
 * Gives a key a new secret; the old one stops working at once. The swap only happens if the secret
 * is still the one read at the start, so of several simultaneous regenerations exactly one wins,
 * and a key deleted meanwhile stays deleted.
 */
export async function regenerateKey(db: Database, actor: Actor, input: unknown, request: RequestInfo): Promise<{ key: string; prefix: string }> {
  const { keyId, pin } = parseOrThrow(keyActionSchema.safeParse(input));
  await authorizeAudited(db, actor, { permission: "keys:create" }, { action: "key.regenerate", targetType: "api_key", targetId: keyId }, request);
  assertKeyManagementOpen(actor.org!);
  const current = await loadOwnKey(db, actor.org!.id, keyId);
  await verifyActionPin(db, actor, pin, request);
  const { key, prefix } = generateApiKey(current.mode);
  return changingKeyAccess(db, () => db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ secretHash: sha256Hex(key), prefix })
      .where(and(eq(apiKeys.id, current.id), eq(apiKeys.secretHash, current.secretHash), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    if (!row) throw new DomainError("conflict", "This key was changed or deleted while you were confirming. Reload the page and try again.");
    // Access tokens issued for the old secret die with it.
    await tx.delete(accessTokens).where(eq(accessTokens.keyId, current.id));
    await recordAuditEvent(tx, {
      ...actorFields(actor, request),
      action: "key.regenerate",
      targetType: "api_key",
      targetId: current.id,
      outcome: "success",
      metadata: { alias: current.alias, previousPrefix: current.prefix, prefix },
    });
    return { key, prefix };
  }));
}
