import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { apiKeys } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { ALL_KEY_PERMISSIONS } from "@/lib/key-permissions";
import { keyStatus } from "@/lib/key-status";
import { utcDay, type UsageOutcome } from "@/lib/api/usage";

/** How many UTC days the key page charts: today and the 29 before it. */
export const USAGE_DAYS = 30;

export interface UsageDay {
  /** The UTC day, "2026-11-30". */
  day: string;
  calls: Record<UsageOutcome, number>;
}

const DAY_MS = 86_400_000;

/**
 * A key's API calls over the last 30 UTC days by outcome (each day present, zero when there were
 * none), their totals, and when it last used each of its permissions (null: never, as far as the
 * record goes — it began at `usageTrackedSince`). Counts still in an instance's memory (at most a
 * flush interval's worth) are not in it yet. One query.
 */
export async function getKeyUsage(db: Executor, actor: Actor, keyId: unknown, now = new Date()) {
  const { org } = authorize(actor, { permission: "keys:view" });
  const id = z.uuid().safeParse(keyId);
  if (!id.success) throw new NotFoundError("That API key");
  const days = Array.from({ length: USAGE_DAYS }, (_, i) => utcDay(now.getTime() - (USAGE_DAYS - 1 - i) * DAY_MS));
  const [row] = await db
    .select({
      revokedAt: apiKeys.revokedAt,
      retiresAt: apiKeys.retiresAt,
      leakedAt: apiKeys.leakedAt,
      expiresAt: apiKeys.expiresAt,
      createdAt: apiKeys.createdAt,
      usageTrackedSince: apiKeys.usageTrackedSince,
      permissions: apiKeys.permissions,
      usage: sql<{ day: string; outcome: UsageOutcome; calls: number | string }[]>`(
        select coalesce(json_agg(json_build_object('day', u.day::text, 'outcome', u.outcome, 'calls', u.calls)), '[]'::json)
        from (
          select day, outcome, sum(calls) as calls from api_key_usage
          where key_id = api_keys.id and day between ${days[0]}::date and ${days.at(-1)}::date
          group by day, outcome
        ) u)`,
      permissionUse: sql<{ permission: string; lastUsedAt: string }[]>`(
        select coalesce(json_agg(json_build_object('permission', p.permission, 'lastUsedAt', p.last_used_at)), '[]'::json)
        from api_key_permission_use p where p.key_id = api_keys.id)`,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id.data), eq(apiKeys.orgId, org.id)))
    .limit(1);
  if (!row || keyStatus(row, now) === "revoked") throw new NotFoundError("That API key");

  const byDay = new Map<string, UsageDay>(days.map((day) => [day, { day, calls: { "2xx": 0, "4xx": 0, "5xx": 0 } }]));
  for (const u of row.usage) {
    const entry = byDay.get(u.day);
    if (entry) entry.calls[u.outcome] += Number(u.calls);
  }
  const series = [...byDay.values()];
  const totals: Record<UsageOutcome, number> = { "2xx": 0, "4xx": 0, "5xx": 0 };
  for (const d of series) for (const outcome of ["2xx", "4xx", "5xx"] as const) totals[outcome] += d.calls[outcome];

  const lastUse = new Map(row.permissionUse.map((p) => [p.permission, new Date(p.lastUsedAt)]));
  // The key's permissions in the catalogue's order (the order the permission matrix shows).
  const order = (p: string) => {
    const at = (ALL_KEY_PERMISSIONS as readonly string[]).indexOf(p);
    return at === -1 ? Number.MAX_SAFE_INTEGER : at;
  };
  const permissions = [...row.permissions]
    .sort((a, b) => order(a) - order(b))
    .map((permission) => ({ permission, lastUsedAt: lastUse.get(permission) ?? null }));

  return {
    days: series,
    totals,
    permissions,
    createdAt: row.createdAt,
    usageTrackedSince: row.usageTrackedSince,
  };
}

export type KeyUsage = Awaited<ReturnType<typeof getKeyUsage>>;
