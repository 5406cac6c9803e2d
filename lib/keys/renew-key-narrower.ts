import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { authorizeAudited } from "@/lib/auth/authorize-audited";
import { defineCommand } from "@/lib/auth/command";
import type { Executor } from "@/lib/db";
import { accessTokens, apiKeys } from "@/lib/db/schema";
import { DomainError, isUniqueViolation } from "@/lib/errors";
import { movesMoney } from "@/lib/key-grants";
import { resolveKeyReminders } from "@/lib/notifications/resolve-key-reminders";
import { keyDetailsShape, renewKeyNarrowerSchema, SECRET_OVERLAPS } from "@/lib/schemas/keys";
import { assertProductsEnabled, type CreatedKey, insertKeyInTransaction } from "./create-key";
import { readNarrowerRenewal } from "./describe-narrower-renewal";
import { loadManagedKey } from "./shared";

const ALIAS_MAX = keyDetailsShape.alias.maxLength ?? 64;

/** "ERP sync (narrowed)", or "(narrowed 2)", "(narrowed 3)"… when taken; never longer than an alias may be. */
export function narrowedAlias(alias: string, n: number): string {
  const base = alias.replace(/ \(narrowed(?: \d+)?\)$/, "");
  const suffix = n === 1 ? " (narrowed)" : ` (narrowed ${n})`;
  return `${base.slice(0, ALIAS_MAX - suffix.length).trimEnd()}${suffix}`;
}

/** The first narrowed alias no key of the application that still exists holds. */
async function freeNarrowedAlias(tx: Executor, applicationId: string, alias: string): Promise<string> {
  const taken = new Set(
    (
      await tx
        .select({ alias: apiKeys.alias })
        .from(apiKeys)
        .where(and(eq(apiKeys.applicationId, applicationId), isNull(apiKeys.revokedAt)))
    ).map((r) => r.alias),
  );
  for (let n = 1; ; n++) {
    const candidate = narrowedAlias(alias, n);
    if (!taken.has(candidate)) return candidate;
  }
}

const changedMeanwhile = () => new DomainError("conflict", "This key was changed or deleted while you were confirming. Reload the page and try again.");

export interface NarrowerKey extends CreatedKey {
  /** The old key: it stops at `retiresAt` (null: it was deleted at once). */
  replaces: string;
  retiresAt: Date | null;
  kept: string[];
  dropped: string[];
}

/**
 * "Renew as a narrower key": a new key with only the permissions the old one used in the last 90 days
 * (or since it was made, or since their use was first recorded), the same application, mode, accounts,
 * companies, allowlist and description — and payment limits when it still moves money — made through
 * the one path that creates keys (maker-checker included), its secret shown once. The old key keeps
 * working until the overlap the member chose ends, then is refused as deleted; "at once" deletes it
 * now. Needs keys:create (it makes a key) and keys:renew (it renews one); both refusals are audited.
 * A key that used nothing, or everything, or that leaked, waits for approval or was replaced already,
 * is refused before the PIN and nothing changes.
 */
export const renewKeyNarrower = defineCommand({
  action: "key.renew_narrower",
  target: { type: "api_key", id: (input) => input.keyId },
  requires: { permission: "keys:create" },
  schema: renewKeyNarrowerSchema,
  pin: true,
  movesMoney: (_input, plan: { used: { permission: string }[] }) => movesMoney(plan.used.map((u) => u.permission)),
  load: async ({ db, actor, input, request }) => {
    await authorizeAudited(db, actor, { permission: "keys:renew" }, { action: "key.renew_narrower", targetType: "api_key", targetId: input.keyId }, request);
    const key = await loadManagedKey({ db, actor, input });
    const plan = await readNarrowerRenewal(db, actor.org.id, key.id, new Date());
    if (plan.refusal) throw new DomainError(plan.refusal.code, plan.refusal.message);
    assertProductsEnabled(
      actor.org,
      plan.used.map((u) => u.permission),
    );
    return plan;
  },
  run: async ({ db, actor, input, request }, plan): Promise<NarrowerKey> => {
    const old = plan.key;
    const hours = SECRET_OVERLAPS[input.overlap].hours;
    const kept = plan.used.map((u) => u.permission);
    const dropped = plan.unused;
    const keepsMoney = movesMoney(kept);
    try {
      return await changingKeyAccess(db, () =>
        db.transaction(async (tx) => {
          const alias = await freeNarrowedAlias(tx, old.applicationId, old.alias);
          const created = await insertKeyInTransaction(
            tx,
            actor,
            {
              applicationId: old.applicationId,
              alias,
              description: old.description,
              mode: old.mode,
              permissions: kept,
              accountIds: old.accountIds,
              companyIds: old.companyIds,
              allowedIps: old.allowedIps,
              maxPerPayment: keepsMoney ? old.maxPerPayment : null,
              maxPerDay: keepsMoney ? old.maxPerDay : null,
            },
            request,
            { replaces: old.id, replacesAlias: old.alias },
          );
          // Only the key as it was read: not deleted, replaced, leaked or held for approval meanwhile.
          const [retired] = await tx
            .update(apiKeys)
            .set(
              hours
                ? { retiresAt: sql`now() + make_interval(hours => ${hours})`, replacedBy: created.id }
                : { revokedAt: sql`now()`, revokedBy: actor.user.id, replacedBy: created.id },
            )
            .where(
              and(
                eq(apiKeys.id, old.id),
                eq(apiKeys.orgId, actor.org.id),
                isNull(apiKeys.revokedAt),
                isNull(apiKeys.retiresAt),
                isNull(apiKeys.leakedAt),
                isNull(apiKeys.pendingApprovalSince),
              ),
            )
            .returning({ retiresAt: apiKeys.retiresAt });
          if (!retired) throw changedMeanwhile();
          // Deleted at once: access tokens issued for it die with it.
          if (!hours) await tx.delete(accessTokens).where(eq(accessTokens.keyId, old.id));
          // The old key is not renewed, and will be gone: its expiry reminders lose their cause.
          await resolveKeyReminders(tx, [old.id]);
          await recordAuditEvent(tx, {
            ...actorFields(actor, request),
            action: "key.renew_narrower",
            targetType: "api_key",
            targetId: old.id,
            outcome: "success",
            metadata: {
              alias: old.alias,
              prefix: old.prefix,
              newKeyId: created.id,
              newAlias: created.alias,
              kept: kept.join(" "),
              dropped: dropped.join(" "),
              overlap: input.overlap,
              ...(retired.retiresAt ? { retiresAt: retired.retiresAt.toISOString() } : {}),
            },
          });
          return { ...created, replaces: old.id, retiresAt: retired.retiresAt, kept, dropped };
        }),
      );
    } catch (error) {
      // Two narrower renewals of the same key at once: the alias index lets one through.
      if (isUniqueViolation(error)) throw changedMeanwhile();
      throw error;
    }
  },
});
