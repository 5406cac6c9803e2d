import "server-only";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { memberships, sessions } from "@/lib/db/schema";
import { defineCommand } from "./command";

/** Makes another of the member's organisations the active one for this session; false when they are not a member of it. */
export const switchOrganisation = defineCommand({
  action: "auth.switch_organisation",
  target: { type: "organisation", id: (input) => input.orgId },
  requires: { self: "moves the caller's own session" },
  schema: z.strictObject({ orgId: z.string().max(100) }),
  run: async ({ db, actor, input: { orgId } }): Promise<boolean> => {
    if (!/^[0-9a-f-]{36}$/i.test(orgId)) return false;
    const [membership] = await db
      .select({ id: memberships.id })
      .from(memberships)
      .where(and(eq(memberships.userId, actor.user.id), eq(memberships.orgId, orgId)))
      .limit(1);
    if (!membership) return false;
    await db.update(sessions).set({ activeOrgId: orgId }).where(eq(sessions.id, actor.sessionId));
    return true;
  },
});
