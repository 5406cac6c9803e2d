import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { accessTokens, apiKeys } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { regenerateKeySchema, SECRET_OVERLAPS } from "@/lib/schemas/keys";
import { sha256Hex } from "@/lib/security/hashing";
import { holdForApproval } from "./approval";
import { generateApiKey } from "./key-format";
import { loadManagedKey } from "./shared";

/**
 * Gives a key a new secret. The old one stops working at once, or — with an overlap — keeps working
 * beside the new one for 1 hour, 24 hours or 7 days, so an integration can be rolled without a
 * failed call (a secret an earlier overlap kept alive stops now: at most two secrets ever work).
 * Access tokens issued for the old secret end at once either way. The swap only happens if the
 * secret is still the one read at the start, so of several simultaneous regenerations exactly one
 * wins, and a key deleted meanwhile stays deleted.
 */
export const regenerateKey = defineCommand({
  action: "key.regenerate",
  target: { type: "api_key", id: (input) => input.keyId },
  requires: { permission: "keys:create" },
  schema: regenerateKeySchema,
  pin: true,
  load: loadManagedKey,
  run: async ({ db, actor, input, request }, current): Promise<{ key: string; prefix: string; previousSecretExpiresAt: Date | null }> => {
    const hours = SECRET_OVERLAPS[input.overlap].hours;
    const { key, prefix } = generateApiKey(current.mode);
    return changingKeyAccess(db, () =>
      db.transaction(async (tx) => {
        const [row] = await tx
          .update(apiKeys)
          .set({
            secretHash: sha256Hex(key),
            prefix,
            previousSecretHash: hours ? current.secretHash : null,
            previousPrefix: hours ? current.prefix : null,
            previousSecretExpiresAt: hours ? sql`now() + make_interval(hours => ${hours})` : null,
            previousSecretLastUsedAt: null,
          })
          .where(and(eq(apiKeys.id, current.id), eq(apiKeys.secretHash, current.secretHash), isNull(apiKeys.revokedAt)))
          .returning({ id: apiKeys.id, previousSecretExpiresAt: apiKeys.previousSecretExpiresAt });
        if (!row) throw new DomainError("conflict", "This key was changed or deleted while you were confirming. Reload the page and try again.");
        // Access tokens issued for the old secret die with it.
        await tx.delete(accessTokens).where(eq(accessTokens.keyId, current.id));
        const pendingApproval = await holdForApproval(tx, actor, current.id);
        await recordAuditEvent(tx, {
          ...actorFields(actor, request),
          action: "key.regenerate",
          targetType: "api_key",
          targetId: current.id,
          outcome: "success",
          metadata: {
            alias: current.alias,
            previousPrefix: current.prefix,
            prefix,
            ...(row.previousSecretExpiresAt ? { previousSecretWorksUntil: row.previousSecretExpiresAt.toISOString() } : {}),
            ...(pendingApproval ? { pendingApproval: true } : {}),
          },
        });
        return { key, prefix, previousSecretExpiresAt: row.previousSecretExpiresAt };
      }),
    );
  },
});
