import "server-only";
import { and, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { MemberActor } from "@/lib/auth/actor";
import { defineCommand } from "@/lib/auth/command";
import type { Transaction } from "@/lib/db";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { apiKeys } from "@/lib/db/schema";
import { DomainError, NotFoundError } from "@/lib/errors";
import { KEY_LIFETIME_DAYS } from "@/lib/key-status";
import { resolveKeyReminders } from "@/lib/notifications/resolve-key-reminders";
import { keyActionSchema } from "@/lib/schemas/keys";
import { loadManagedKey } from "./shared";

/** A key about to be renewed, as it was before: what its audit row records. */
export interface KeyToRenew {
  id: string;
  alias: string;
  prefix: string;
  expiresAt: Date;
}

/**
 * The one body of every renewal, single or several, inside the caller's transaction: each key expires
 * 90 days from now (set, never added to, so parallel renewals agree and no key is ever valid for more
 * than 90 days ahead), each gets its own `key.renew` audit row, and each one's expiry reminders are
 * resolved. `stillDue` narrows which keys may be renewed (e.g. only those still expiring or frozen);
 * when any key is no longer there or no longer matches, `refusal` is thrown and the transaction —
 * every key of it — is rolled back.
 */
export async function renewKeysInTransaction(
  tx: Transaction,
  actor: MemberActor,
  keys: readonly KeyToRenew[],
  request: RequestInfo,
  options: { stillDue?: SQL; refusal: () => DomainError },
): Promise<Map<string, Date>> {
  const ids = keys.map((k) => k.id);
  const rows = await tx
    .update(apiKeys)
    .set({ expiresAt: sql`now() + make_interval(days => ${KEY_LIFETIME_DAYS})`, renewedAt: sql`now()` })
    // A leaked key is never renewed (only regenerated or deleted), nor one a narrower key replaces.
    .where(
      and(
        inArray(apiKeys.id, ids),
        eq(apiKeys.orgId, actor.org.id),
        isNull(apiKeys.revokedAt),
        isNull(apiKeys.leakedAt),
        isNull(apiKeys.retiresAt),
        options.stillDue,
      ),
    )
    .returning({ id: apiKeys.id, expiresAt: apiKeys.expiresAt });
  if (rows.length !== keys.length) throw options.refusal();
  const renewed = new Map(rows.map((r) => [r.id, r.expiresAt]));
  for (const key of keys) {
    await recordAuditEvent(tx, {
      ...actorFields(actor, request),
      action: "key.renew",
      targetType: "api_key",
      targetId: key.id,
      outcome: "success",
      metadata: { alias: key.alias, prefix: key.prefix, previousExpiry: key.expiresAt.toISOString(), expiresAt: renewed.get(key.id)!.toISOString() },
    });
  }
  await resolveKeyReminders(tx, ids);
  return renewed;
}

/** A leaked key's refusal to be renewed: the secret is public, so only a new one helps. */
export const leakedKeyNotRenewed = () =>
  new DomainError("key_leaked", "This key was found in public, so it cannot be renewed. Regenerate it to get a new secret, or delete it.");

/** A key renewed as a narrower one stops at the end of its overlap: renewing it would keep nothing going. */
export const replacedKeyNotRenewed = () =>
  new DomainError("conflict", "This key was renewed as a narrower key and stops at the end of its overlap. Renew the new key instead.");

/** Renews a key, before or after it froze: it expires 90 days from now. A leaked key is refused with `key_leaked`. */
export const renewKey = defineCommand({
  action: "key.renew",
  target: { type: "api_key", id: (input) => input.keyId },
  requires: { permission: "keys:renew" },
  schema: keyActionSchema,
  pin: true,
  load: async (context) => {
    const key = await loadManagedKey(context);
    if (key.leakedAt) throw leakedKeyNotRenewed();
    if (key.retiresAt) throw replacedKeyNotRenewed();
    return key;
  },
  run: ({ db, actor, request }, key) =>
    changingKeyAccess(db, () =>
      db.transaction(async (tx) => {
        // Deleted, or reported as leaked, while the PIN was asked for: nothing is renewed.
        const renewed = await renewKeysInTransaction(tx, actor, [key], request, { refusal: () => new NotFoundError("That API key") });
        return { expiresAt: renewed.get(key.id)! };
      }),
    ),
});
