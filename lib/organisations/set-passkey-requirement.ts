import "server-only";
import { eq } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { organisations } from "@/lib/db/schema";
import { setPasskeyRequirementSchema } from "@/lib/schemas/passkeys";

export { passkeyRequired } from "./passkey-required";

/**
 * When on, actions that move money or make keys that can (creating, regenerating or narrowing such
 * a key, approving one, approving a payment) refuse the PIN alone: a passkey must confirm them. The
 * Superadmin alone turns it on or off, with the PIN or a passkey.
 */
export const setPasskeyRequirement = defineCommand({
  action: "organisation.passkey_requirement",
  target: { type: "organisation" },
  requires: {
    permission: "keys:approve",
    superadmin: { code: "forbidden", message: "Only the Superadmin can change whether actions that move money need a passkey." },
  },
  schema: setPasskeyRequirementSchema,
  pin: true,
  run: ({ db, actor, input, request }) =>
    db.transaction(async (tx) => {
      const [before] = await tx
        .select({ required: organisations.requirePasskeyForMoney })
        .from(organisations)
        .where(eq(organisations.id, actor.org.id))
        .for("update");
      await tx.update(organisations).set({ requirePasskeyForMoney: input.required }).where(eq(organisations.id, actor.org.id));
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "organisation.passkey_requirement",
        targetType: "organisation",
        targetId: actor.org.id,
        outcome: "success",
        metadata: { before: before?.required ? "on" : "off", after: input.required ? "on" : "off" },
      });
      return { required: input.required };
    }),
});
