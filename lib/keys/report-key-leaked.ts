import "server-only";
import { z } from "zod";
import { defineCommand } from "@/lib/auth/command";
import { DomainError } from "@/lib/errors";
import { pinField } from "@/lib/schemas/keys";
import { freezeLeakedKeys } from "./freeze-leaked-keys";
import { loadManagedKey } from "./shared";

export const REPORT_WHERE_MAX = 500;

export const reportKeyLeakedSchema = z.strictObject({
  keyId: z.uuid({ error: "Unknown key" }),
  where: z
    .string({ error: "Say where it was found, or leave it empty" })
    .trim()
    .max(REPORT_WHERE_MAX, `At most ${REPORT_WHERE_MAX} characters`)
    .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), "Use plain text on one line")
    .optional()
    .transform((value) => value || null),
  pin: pinField,
});

export const alreadyLeaked = () => new DomainError("key_already_leaked", "This key is already reported as leaked. Regenerate it or delete it.");

/**
 * "Report as leaked", by hand: what a secret-scanning partner's report does to one key — frozen at
 * once (both secrets of an overlap), its holders told, audited — for a key a member knows was
 * exposed (pasted in a chat, committed, mailed). Whoever may delete keys may do it, with the PIN.
 */
export const reportKeyLeaked = defineCommand({
  action: "key.report_leaked",
  target: { type: "api_key", id: (input) => input.keyId },
  requires: { permission: "keys:delete" },
  schema: reportKeyLeakedSchema,
  pin: true,
  load: async (context) => {
    const key = await loadManagedKey(context);
    if (key.leakedAt) throw alreadyLeaked();
    return key;
  },
  run: async ({ db, actor, input, request }, key): Promise<{ leakedAt: true }> => {
    const reporter = { member: { userId: actor.user.id, email: actor.user.email, orgId: actor.org.id } };
    const sighting = { secretHash: key.secretHash, url: input.where, source: null, tokenType: null };
    const { found, frozen } = await freezeLeakedKeys(db, [sighting], reporter, request);
    if (frozen.length === 1) return { leakedAt: true };
    // Someone got there first: reported it, or regenerated or deleted it while the PIN was asked for.
    if (found.size > 0) throw alreadyLeaked();
    throw new DomainError("conflict", "This key was changed or deleted while you were confirming. Reload the page and try again.");
  },
});
