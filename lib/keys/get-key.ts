import "server-only";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { apiKeyDailyUse, apiKeys, auditEvents, cards, users } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { keyStatus } from "@/lib/key-status";
import { keyMakers } from "./approval";
import { keyAccessSummaries, selectKeyRows } from "./list-keys";

/** Everything about one of the organisation's keys, with its audit trail. Never the hash. */
export async function getKey(db: Executor, actor: Actor, keyId: unknown, now = new Date()) {
  const { org } = authorize(actor, { permission: "keys:view" });
  const id = z.uuid().safeParse(keyId);
  if (!id.success) throw new NotFoundError("That API key");
  const [row] = await selectKeyRows(db)
    .where(and(eq(apiKeys.id, id.data), eq(apiKeys.orgId, org.id)))
    .limit(1);
  if (!row || keyStatus(row, now) === "revoked") throw new NotFoundError("That API key");
  const access = await keyAccessSummaries(db, [row.id]);
  const [guardrails] = await db
    .select({
      allowedIps: apiKeys.allowedIps,
      previousPrefix: apiKeys.previousPrefix,
      previousSecretExpiresAt: apiKeys.previousSecretExpiresAt,
      previousSecretLastUsedAt: apiKeys.previousSecretLastUsedAt,
      maxPerPayment: apiKeys.maxPerPayment,
      maxPerDay: apiKeys.maxPerDay,
      leakReportedByName: users.name,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.leakReportedBy))
    .where(eq(apiKeys.id, row.id));
  // What the key has moved today (UTC), per currency, against its daily limit.
  const usedToday = await db
    .select({ currency: apiKeyDailyUse.currency, used: apiKeyDailyUse.used })
    .from(apiKeyDailyUse)
    .where(and(eq(apiKeyDailyUse.keyId, row.id), eq(apiKeyDailyUse.day, sql`(now() at time zone 'UTC')::date`)))
    .orderBy(asc(apiKeyDailyUse.currency));
  const trail = await db
    .select({
      id: auditEvents.id,
      occurredAt: auditEvents.occurredAt,
      actorLabel: auditEvents.actorLabel,
      action: auditEvents.action,
      outcome: auditEvents.outcome,
      ip: auditEvents.ip,
    })
    .from(auditEvents)
    .where(and(eq(auditEvents.orgId, org.id), eq(auditEvents.targetType, "api_key"), eq(auditEvents.targetId, row.id)))
    .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
    .limit(100);
  const accountIds = access.accountsOf(row.id).map((a) => a.id);
  const keyCards = accountIds.length
    ? await db.select({ id: cards.id, name: cards.name, last4: cards.last4 }).from(cards).where(inArray(cards.accountId, accountIds)).orderBy(asc(cards.name))
    : [];
  // Maker-checker: whether the key waits for a second member, and whether this member made it (then they may not decide).
  const approval = row.pendingApprovalSince
    ? { since: row.pendingApprovalSince, madeByYou: (await keyMakers(db, row.id, row.pendingApprovalSince)).has(actor.user.id) }
    : null;
  const { revokedAt, leakUrl, leakSource, ...key } = row;
  return {
    ...key,
    // Where and when it was found in public, and who said so (null: a secret-scanning partner).
    leak: row.leakedAt ? { at: row.leakedAt, url: leakUrl, source: leakSource, reportedByName: guardrails!.leakReportedByName } : null,
    allowedIps: guardrails!.allowedIps,
    limits: { maxPerPayment: guardrails!.maxPerPayment, maxPerDay: guardrails!.maxPerDay, usedToday },
    // The secret a regeneration replaced, while its overlap still runs.
    previousSecret:
      guardrails!.previousPrefix && guardrails!.previousSecretExpiresAt && guardrails!.previousSecretExpiresAt > now
        ? { prefix: guardrails!.previousPrefix, worksUntil: guardrails!.previousSecretExpiresAt, lastUsedAt: guardrails!.previousSecretLastUsedAt }
        : null,
    cards: keyCards,
    approval,
    status: keyStatus({ ...row, revokedAt }, now),
    accounts: access.accountsOf(row.id),
    companies: access.companiesOf(row.id),
    trail,
  };
}

export type KeyDetail = Awaited<ReturnType<typeof getKey>>;
