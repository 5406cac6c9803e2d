import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { accessTokens, apiKeys } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { keyActionSchema } from "@/lib/schemas/keys";
import { sha256Hex } from "@/lib/security/hashing";
import { generateApiKey } from "./key-format";
import { assertKeyManagementOpen, loadOwnKey } from "./shared";

/**
 * Gives a key a new secret; the old one stops working at once. The swap only happens if the secret
 * is still the one read at the start, so of several simultaneous regenerations exactly one wins,
 * and a key deleted meanwhile stays deleted.
 */
export const regenerateKey = defineCommand({
  action: "key.regenerate",
  target: { type: "api_key", id: (input) => input.keyId },
  requires: { permission: "keys:create" },
  schema: keyActionSchema,
  pin: true,
  load: ({ db, actor, input: { keyId } }) => {
    assertKeyManagementOpen(actor.org);
    return loadOwnKey(db, actor.org.id, keyId);
  },
  run: async ({ db, actor, request }, current): Promise<{ key: string; prefix: string }> => {
    const { key, prefix } = generateApiKey(current.mode);
    return changingKeyAccess(db, () =>
      db.transaction(async (tx) => {
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
      }),
    );
  },
});
