import "server-only";
import { and, asc, eq, isNull, lte } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Executor } from "@/lib/db";
import { apiKeys } from "@/lib/db/schema";
import { EXPIRING_WITHIN_DAYS, keyStatus } from "@/lib/key-status";

/** The organisation's keys that are frozen or freeze within 14 days, soonest first — for the bell. */
export async function keysNeedingAttention(db: Executor, actor: Actor, now = new Date()) {
  if (!actor.org || !actor.permissions.has("keys:view")) return [];
  const soon = new Date(now.getTime() + EXPIRING_WITHIN_DAYS * 86_400_000);
  const rows = await db
    .select({ id: apiKeys.id, alias: apiKeys.alias, prefix: apiKeys.prefix, expiresAt: apiKeys.expiresAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, actor.org.id), isNull(apiKeys.revokedAt), lte(apiKeys.expiresAt, soon)))
    .orderBy(asc(apiKeys.expiresAt))
    .limit(20);
  return rows.map((row) => ({ ...row, status: keyStatus({ expiresAt: row.expiresAt, revokedAt: null }, now) }));
}
