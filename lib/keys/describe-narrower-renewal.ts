import "server-only";
import { and, asc, eq, gte, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import { defineCommand } from "@/lib/auth/command";
import type { Executor } from "@/lib/db";
import { apiKeyAccounts, apiKeyCompanies, apiKeyPermissionUse, apiKeys } from "@/lib/db/schema";
import { type DomainErrorCode, NotFoundError } from "@/lib/errors";
import { formatDate } from "@/lib/format";
import { describeNarrowerRenewalSchema } from "@/lib/schemas/keys";
import { liveKey } from "./list-keys";
import { permissionLabels } from "./permission-labels";

/** How far back "unused" looks: a permission with no use in this many days (or since the key was made) is dropped. */
export const NARROWER_WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;

/** One permission the key used inside the window, and when it last did. */
export interface PermissionUse {
  permission: string;
  lastUsedAt: Date;
}

/** Why a key cannot be renewed as a narrower one, for the dialog and the command's refusal alike. */
export interface NarrowingRefusal {
  code: DomainErrorCode;
  message: string;
}

/**
 * What a narrower renewal of one key would be: the key as it is (everything the new key copies), the
 * window its use is read over, the permissions it used there and the ones it did not, and — when it
 * cannot be narrowed — why.
 */
export async function readNarrowerRenewal(db: Executor, orgId: string, keyId: string, now: Date) {
  const [key] = await db
    .select({
      id: apiKeys.id,
      alias: apiKeys.alias,
      prefix: apiKeys.prefix,
      applicationId: apiKeys.applicationId,
      mode: apiKeys.mode,
      description: apiKeys.description,
      permissions: apiKeys.permissions,
      allowedIps: apiKeys.allowedIps,
      maxPerPayment: apiKeys.maxPerPayment,
      maxPerDay: apiKeys.maxPerDay,
      createdAt: apiKeys.createdAt,
      usageTrackedSince: apiKeys.usageTrackedSince,
      leakedAt: apiKeys.leakedAt,
      pendingApprovalSince: apiKeys.pendingApprovalSince,
      retiresAt: apiKeys.retiresAt,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, orgId), liveKey(now)))
    .limit(1);
  if (!key) throw new NotFoundError("That API key");
  const accountRows = await db.select({ id: apiKeyAccounts.accountId }).from(apiKeyAccounts).where(eq(apiKeyAccounts.keyId, key.id));
  const companyRows = await db.select({ id: apiKeyCompanies.companyId }).from(apiKeyCompanies).where(eq(apiKeyCompanies.keyId, key.id));

  const ninetyDaysAgo = new Date(now.getTime() - NARROWER_WINDOW_DAYS * DAY_MS);
  const windowStart = key.createdAt > ninetyDaysAgo ? key.createdAt : ninetyDaysAgo;
  const trackedSince = key.usageTrackedSince;
  // Honest about what is known: use before the record began is not "no use".
  const windowText =
    trackedSince > windowStart
      ? `since ${formatDate(trackedSince)}`
      : windowStart === key.createdAt
        ? `since it was created on ${formatDate(key.createdAt)}`
        : `in the last ${NARROWER_WINDOW_DAYS} days`;

  const useRows = key.permissions.length
    ? await db
        .select({ permission: apiKeyPermissionUse.permission, lastUsedAt: apiKeyPermissionUse.lastUsedAt })
        .from(apiKeyPermissionUse)
        .where(
          and(
            eq(apiKeyPermissionUse.keyId, key.id),
            inArray(apiKeyPermissionUse.permission, key.permissions),
            gte(apiKeyPermissionUse.lastUsedAt, windowStart),
          ),
        )
        .orderBy(asc(apiKeyPermissionUse.permission))
    : [];
  const usedSet = new Set(useRows.map((r) => r.permission));
  const used: PermissionUse[] = useRows;
  const unused = key.permissions.filter((p) => !usedSet.has(p));

  let refusal: NarrowingRefusal | null = null;
  if (key.leakedAt) {
    refusal = { code: "key_leaked", message: "This key was found in public, so it cannot be renewed: regenerate or delete it." };
  } else if (key.pendingApprovalSince) {
    refusal = { code: "conflict", message: "This key waits for a second member’s approval; it can be renewed as a narrower key once approved." };
  } else if (key.retiresAt) {
    refusal = { code: "conflict", message: "This key was already renewed as a narrower key." };
  } else if (used.length === 0) {
    refusal = { code: "conflict", message: `This key used none of its permissions ${windowText}: there is nothing to keep. Delete it instead.` };
  } else if (unused.length === 0) {
    refusal = { code: "conflict", message: `This key used every one of its permissions ${windowText}: there is nothing to drop. Renew it instead.` };
  }
  return {
    key: { ...key, accountIds: accountRows.map((r) => r.id), companyIds: companyRows.map((r) => r.id) },
    windowStart,
    trackedSince,
    windowText,
    used,
    unused,
    refusal,
  };
}

export type NarrowerRenewalPlan = Awaited<ReturnType<typeof readNarrowerRenewal>>;

/** What the renew dialog shows of a narrower renewal. */
export interface NarrowerRenewalDescription {
  windowStart: Date;
  trackedSince: Date;
  /** "in the last 90 days", "since it was created on 3 Nov 2026" or "since 1 Dec 2026" (when the record of use began). */
  honestWindowText: string;
  used: PermissionUse[];
  unused: string[];
  /** "Not used in the last 90 days: Balances (view), Payments (edit)." — or null when every permission was used. */
  unusedSentence: string | null;
  canNarrow: boolean;
  reason?: string;
}

/**
 * Which of a key's permissions it used in the last 90 days (or since it was made, or since their use
 * was first recorded) and which not, and whether this member may renew it as a narrower key.
 * Another organisation's key, a deleted or retired one, is not found.
 */
export async function describeNarrowerRenewal(db: Executor, actor: Actor, keyId: unknown, now = new Date()): Promise<NarrowerRenewalDescription> {
  const { org, permissions } = authorize(actor, { permission: "keys:view" });
  const id = z.uuid().safeParse(keyId);
  if (!id.success) throw new NotFoundError("That API key");
  const plan = await readNarrowerRenewal(db, org.id, id.data, now);
  const mayNarrow = permissions.has("keys:create") && permissions.has("keys:renew");
  const reason = !mayNarrow ? "Your role cannot create keys, so it cannot renew one as a narrower key." : plan.refusal?.message;
  return {
    windowStart: plan.windowStart,
    trackedSince: plan.trackedSince,
    honestWindowText: plan.windowText,
    used: plan.used,
    unused: plan.unused,
    unusedSentence: plan.unused.length ? `Not used ${plan.windowText}: ${permissionLabels(plan.unused)}.` : null,
    canNarrow: reason === undefined,
    ...(reason ? { reason } : {}),
  };
}

/** The renew dialog's question, as a read-only command for its server action: the member must see keys. */
export const describeNarrowerRenewalCommand = defineCommand({
  action: "key.renew_narrower",
  target: { type: "api_key", id: (input) => input.keyId },
  requires: { permission: "keys:view" },
  schema: describeNarrowerRenewalSchema,
  run: ({ db, actor, input }) => describeNarrowerRenewal(db, actor, input.keyId),
});

/** A key renewed as a narrower one, while its overlap runs: the key that replaces it and when it stops. Null for any other key. */
export type KeyReplacement = NonNullable<Awaited<ReturnType<typeof keyReplacement>>>;

export async function keyReplacement(db: Executor, actor: Actor, keyId: string, now = new Date()) {
  const { org } = authorize(actor, { permission: "keys:view" });
  const id = z.uuid().safeParse(keyId);
  if (!id.success) return null;
  const [row] = await db
    .select({ retiresAt: apiKeys.retiresAt, replacedBy: apiKeys.replacedBy })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id.data), eq(apiKeys.orgId, org.id), liveKey(now)))
    .limit(1);
  if (!row?.retiresAt || !row.replacedBy) return null;
  const [successor] = await db
    .select({ id: apiKeys.id, alias: apiKeys.alias })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, row.replacedBy), eq(apiKeys.orgId, org.id), liveKey(now)))
    .limit(1);
  return { retiresAt: row.retiresAt, successor: successor ?? null };
}
