import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import type { Database } from "@/lib/db";
import { users } from "@/lib/db/schema";
import { z } from "zod";
import { DomainError } from "@/lib/errors";
import { type SetPinInput, setPinSchema } from "@/lib/schemas/auth";
import { hashSecret } from "@/lib/security/hashing";
import type { Actor } from "./actor";
import { defineCommand } from "./command";

export type SetPinResult = { ok: true } | { ok: false; error: string; fieldErrors?: Record<string, string> };

/** Sets the member's first PIN. Changing an existing PIN is a separate, PIN-checked flow. */
export async function setInitialPin(db: Database, actor: Actor, input: unknown, context: { ip: string | null; requestId: string }): Promise<SetPinResult> {
  const parsed = setPinSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "pin")] ??= issue.message;
    return { ok: false, error: "Check the PIN and try again.", fieldErrors };
  }
  const pinHash = await hashSecret(parsed.data.pin);
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(users)
      .set({ pinHash, pinSetAt: sql`now()`, pinFailedAttempts: 0, pinLockedUntil: null })
      .where(and(eq(users.id, actor.user.id), isNull(users.pinHash)))
      .returning({ id: users.id });
    if (updated.length === 0) return { ok: false, error: "Your PIN is already set." } as const;
    await recordAuditEvent(tx, {
      ...actorFields(actor, context),
      action: "auth.pin_set",
      targetType: "user",
      targetId: actor.user.id,
      outcome: "success",
    });
    return { ok: true } as const;
  });
}

/**
 * The first PIN as the signed-in person's own command. The input is validated by setInitialPin,
 * whose messages the set-up page shows; a refusal becomes an action result like any other.
 */
export const setFirstPin = defineCommand({
  action: "auth.pin_set",
  target: { type: "user" },
  requires: { self: "the caller's first PIN, set once", allowWithoutPin: true },
  schema: z.custom<SetPinInput>(),
  run: async ({ db, actor, input, request }) => {
    const result = await setInitialPin(db, actor, input, request);
    if (!result.ok) throw new DomainError("invalid_request", result.error, result.fieldErrors);
    return actor;
  },
});
