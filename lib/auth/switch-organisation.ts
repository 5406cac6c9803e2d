import "server-only";
import { and, eq } from "drizzle-orm";
import type { Database } from "@/lib/db";
import { memberships, sessions } from "@/lib/db/schema";
import type { Actor } from "./actor";

/** Makes another of the member's organisations the active one for this session. */
export async function switchOrganisation(db: Database, actor: Actor, orgId: unknown): Promise<boolean> {
  if (typeof orgId !== "string" || !/^[0-9a-f-]{36}$/i.test(orgId)) return false;
  const [membership] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.userId, actor.user.id), eq(memberships.orgId, orgId)))
    .limit(1);
  if (!membership) return false;
  await db.update(sessions).set({ activeOrgId: orgId }).where(eq(sessions.id, actor.sessionId));
  return true;
}
