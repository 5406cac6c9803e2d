import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { accessTokens, apiKeys } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { movesMoney } from "@/lib/key-grants";
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
 *
 * A key reported as leaked comes back to life with its new secret, and its leaked secret stops at
 * once: an overlap is refused (`key_leaked`), since that secret is public.
 */
export const regenerateKey = defineCommand({
  action: "key.regenerate",
  target: { type: "api_key", id: (input) => input.keyId },
  requires: { permission: "keys:create" },
  schema: regenerateKeySchema,
  pin: true,
  movesMoney: (_input, key: { permissions: string[] }) => movesMoney(key.permissions),
  load: async (context) => {
    const key = await loadManagedKey(context);
    const { leakedAt } = key;
    if (leakedAt && context.input.overlap !== "none") {
      throw new DomainError("key_leaked", "This key's secret was found in public, so it must stop at once: regenerate it without an overlap.", {
        overlap: "A leaked secret stops at once",
      });
    }
    return { ...key, leaked: leakedAt !== null };
  },
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
            // The new secret is not the one found in public: the key works again.
            leakedAt: null,
          })
          // A key reported as leaked meanwhile keeps no overlap: the secret it would keep is public.
          .where(
            and(
              eq(apiKeys.id, current.id),
              eq(apiKeys.secretHash, current.secretHash),
              isNull(apiKeys.revokedAt),
              hours ? isNull(apiKeys.leakedAt) : undefined,
            ),
          )
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
            ...(current.leaked ? { wasLeaked: true } : {}),
          },
        });
        return { key, prefix, previousSecretExpiresAt: row.previousSecretExpiresAt };
      }),
    );
  },
});
