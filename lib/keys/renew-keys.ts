import "server-only";
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { apiKeys } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { EXPIRING_WITHIN_DAYS } from "@/lib/key-status";
import { renewKeysSchema } from "@/lib/schemas/keys";
import { renewKeysInTransaction } from "./renew-key";
import { assertKeyManagementOpen } from "./shared";

/** The keys of the actor's organisation, among `ids`, that are still expiring or frozen. */
const dueBy = () => lte(apiKeys.expiresAt, sql`now() + make_interval(days => ${EXPIRING_WITHIN_DAYS})`);

function changedSinceShown(): DomainError {
  return new DomainError(
    "keys_changed",
    "Some of these keys were renewed, deleted or reported as leaked since the page was shown, so nothing was renewed. The list is up to date now: check it and try again.",
  );
}

/**
 * "Renew all": renews the expiring and frozen keys the person saw, with one PIN and in one
 * transaction — each key with its own `key.renew` audit row, as if renewed alone.
 *
 * The browser sends the ids it showed (at most 200), not "whatever is due now": a key that started
 * expiring after the page was drawn is not renewed behind the person's back, and one that a colleague
 * renewed or deleted meanwhile is not silently renewed again. The whole request is refused — nothing
 * renewed — when any id is not a live key of the actor's organisation (another organisation's id
 * looks exactly like a missing one, and the attempt is audited as denied), when any key is no longer
 * expiring or frozen or was reported as leaked, or when the PIN is wrong.
 */
export const renewKeys = defineCommand({
  action: "key.renew",
  target: { type: "api_key", id: () => null },
  requires: { permission: "keys:renew" },
  schema: renewKeysSchema,
  lists: ["keyIds"],
  pin: true,
  load: async ({ db, actor, input: { keyIds }, request }) => {
    assertKeyManagementOpen(actor.org);
    const orgId = actor.org.id;

    const found = await db
      .select({
        id: apiKeys.id,
        alias: apiKeys.alias,
        prefix: apiKeys.prefix,
        expiresAt: apiKeys.expiresAt,
        revokedAt: apiKeys.revokedAt,
        leakedAt: apiKeys.leakedAt,
      })
      .from(apiKeys)
      .where(and(inArray(apiKeys.id, keyIds), eq(apiKeys.orgId, orgId)));
    if (found.length !== keyIds.length) {
      // Another organisation's key, or none at all: refused as a whole, and audited as denied.
      await recordAuditEvent(db, {
        ...actorFields(actor, request),
        action: "key.renew",
        targetType: "api_key",
        targetId: null,
        outcome: "denied",
        metadata: { reason: "not_found", requested: keyIds.length, unknown: keyIds.length - found.length },
      });
      throw new DomainError("not_found", "One of these keys does not exist, or you cannot see it. Nothing was renewed.");
    }
    // A leaked key is not due: it cannot be renewed, only regenerated or deleted.
    if (found.some((k) => k.revokedAt || k.leakedAt)) throw changedSinceShown();
    const keys = found.map(({ revokedAt: _, leakedAt: __, ...key }) => key);
    const soon = Date.now() + EXPIRING_WITHIN_DAYS * 86_400_000;
    if (keys.some((k) => k.expiresAt.getTime() > soon)) throw changedSinceShown();

    return keys;
  },
  run: async ({ db, actor, request }, keys): Promise<{ renewed: number; expiresAt: Date }> => {
    const renewed = await changingKeyAccess(db, () =>
      db.transaction(async (tx) => {
        // Rows are locked by the update; a key renewed or deleted between the check above and now no
        // longer matches, and the whole batch is refused.
        return renewKeysInTransaction(tx, actor, keys, request, { stillDue: dueBy(), refusal: changedSinceShown });
      }),
    );
    return { renewed: renewed.size, expiresAt: [...renewed.values()][0]! };
  },
});
