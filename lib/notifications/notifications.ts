import "server-only";
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import { defineCommand } from "@/lib/auth/command";
import type { Executor } from "@/lib/db";
import { notifications } from "@/lib/db/schema";
import { z } from "zod";

/** The member's latest notifications in the active organisation, newest first, with the unread count. */
export async function listNotifications(db: Executor, actor: Actor, limit = 15) {
  const { org, user } = authorize(actor, { organisation: true });
  const mine = and(eq(notifications.userId, user.id), eq(notifications.orgId, org.id));
  // One statement: the newest items, each carrying the unread count (no items means none unread).
  const rows = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      title: notifications.title,
      body: notifications.body,
      subjectType: notifications.subjectType,
      subjectId: notifications.subjectId,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      unread: sql<number>`(select count(*)::int from ${notifications} where ${and(mine, isNull(notifications.readAt))})`,
    })
    .from(notifications)
    .where(mine)
    .orderBy(desc(notifications.createdAt))
    .limit(limit);
  return { items: rows.map(({ unread: _, ...item }) => item), unread: rows[0]?.unread ?? 0 };
}

const markReadSchema = z.strictObject({
  ids: z
    .array(z.uuid({ error: "Unknown notification" }))
    .max(100)
    .optional(),
});

/** Marks the given notifications — or all of them — read; only the member's own. Returns how many changed. */
export const markNotificationsRead = defineCommand({
  action: "notification.read",
  target: { type: "notification" },
  requires: { self: "the caller's own notifications" },
  schema: markReadSchema,
  run: async ({ db, actor, input: { ids } }): Promise<number> => {
    const { user, org } = authorize(actor, { organisation: true });
    const filters = [eq(notifications.userId, user.id), eq(notifications.orgId, org.id), isNull(notifications.readAt)];
    if (ids) filters.push(inArray(notifications.id, ids.length ? ids : ["00000000-0000-0000-0000-000000000000"]));
    const changed = await db
      .update(notifications)
      .set({ readAt: sql`now()` })
      .where(and(...filters))
      .returning({ id: notifications.id });
    return changed.length;
  },
});
