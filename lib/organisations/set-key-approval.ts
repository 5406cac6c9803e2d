import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import type { Executor } from "@/lib/db";
import { organisations } from "@/lib/db/schema";
import { pinField } from "@/lib/schemas/keys";

export const setKeyApprovalSchema = z.strictObject({ required: z.boolean({ error: "Choose on or off" }), pin: pinField });

/** Whether the organisation's keys that can move money need a second person. */
export async function keyApprovalRequired(db: Executor, orgId: string): Promise<boolean> {
  const [row] = await db.select({ required: organisations.keyApprovalRequired }).from(organisations).where(eq(organisations.id, orgId));
  return row?.required ?? false;
}

/**
 * Maker-checker for the organisation: when on, a new or regenerated key holding transfers:edit or
 * payments:edit waits for a second member's approval before the API accepts it. The Superadmin
 * alone turns it on or off, with the PIN; keys already waiting keep waiting either way.
 */
export const setKeyApproval = defineCommand({
  action: "organisation.key_approval_change",
  target: { type: "organisation" },
  requires: {
    permission: "keys:approve",
    superadmin: { code: "forbidden", message: "Only the Superadmin can change whether keys that can move money need a second person." },
  },
  schema: setKeyApprovalSchema,
  pin: true,
  run: ({ db, actor, input, request }) =>
    db.transaction(async (tx) => {
      const [before] = await tx
        .select({ required: organisations.keyApprovalRequired })
        .from(organisations)
        .where(eq(organisations.id, actor.org.id))
        .for("update");
      await tx.update(organisations).set({ keyApprovalRequired: input.required }).where(eq(organisations.id, actor.org.id));
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "organisation.key_approval_change",
        targetType: "organisation",
        targetId: actor.org.id,
        outcome: "success",
        metadata: { before: before?.required ? "on" : "off", after: input.required ? "on" : "off" },
      });
      return { required: input.required };
    }),
});
