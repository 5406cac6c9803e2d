import "server-only";
import { and, asc, eq, isNotNull, isNull } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { apiKeys } from "@/lib/db/schema";
import { APPROVAL_WAIT_DAYS, keyMakers } from "./approval";
import { selectKeyRows } from "./list-keys";

/**
 * The "Key approvals" queue: the organisation's keys waiting for a second member, longest-waiting
 * first, each with when it will be deleted unapproved and whether the reader made it (then another
 * member must decide).
 */
export async function listPendingKeys(db: Executor, actor: Actor) {
  const { org, user } = authorize(actor, { permission: "keys:view" });
  const rows = await selectKeyRows(db)
    .where(and(eq(apiKeys.orgId, org.id), isNull(apiKeys.revokedAt), isNotNull(apiKeys.pendingApprovalSince)))
    .orderBy(asc(apiKeys.pendingApprovalSince), asc(apiKeys.alias))
    .limit(200);
  return Promise.all(
    rows.map(async (row) => {
      const since = row.pendingApprovalSince!;
      return {
        id: row.id,
        alias: row.alias,
        prefix: row.prefix,
        mode: row.mode,
        applicationName: row.applicationName,
        permissions: row.permissions,
        createdByName: row.createdByName,
        since,
        deletedAt: new Date(since.getTime() + APPROVAL_WAIT_DAYS * 86_400_000),
        madeByYou: (await keyMakers(db, row.id, since)).has(user.id),
      };
    }),
  );
}

export type PendingKey = Awaited<ReturnType<typeof listPendingKeys>>[number];
