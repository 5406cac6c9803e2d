import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Actor } from "@/lib/auth/actor";
import { authorizeAudited } from "@/lib/auth/authorize-audited";
import { verifyActionPin } from "@/lib/auth/pin";
import type { Database } from "@/lib/db";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { apiKeys } from "@/lib/db/schema";
import { NotFoundError, parseOrThrow } from "@/lib/errors";
import { KEY_LIFETIME_DAYS } from "@/lib/key-status";
import { keyActionSchema } from "@/lib/schemas/keys";
import { assertKeyManagementOpen, loadOwnKey } from "./shared";

/**
 * Renews a key, before or after it froze: it expires 90 days from now. The new date is set, never
 * added to, so parallel renewals agree and no key is ever valid for more than 90 days ahead.
 */
export async function renewKey(db: Database, actor: Actor, input: unknown, request: RequestInfo): Promise<{ expiresAt: Date }> {
  const { keyId, pin } = parseOrThrow(keyActionSchema.safeParse(input));
  await authorizeAudited(db, actor, { permission: "keys:renew" }, { action: "key.renew", targetType: "api_key", targetId: keyId }, request);
  assertKeyManagementOpen(actor.org!);
  const key = await loadOwnKey(db, actor.org!.id, keyId);
  await verifyActionPin(db, actor, pin, request);
  return changingKeyAccess(db, () => db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ expiresAt: sql`now() + make_interval(days => ${KEY_LIFETIME_DAYS})`, renewedAt: sql`now()` })
      .where(and(eq(apiKeys.id, key.id), eq(apiKeys.orgId, actor.org!.id), isNull(apiKeys.revokedAt)))
      .returning({ expiresAt: apiKeys.expiresAt });
    if (!row) throw new NotFoundError("That API key");
    await recordAuditEvent(tx, {
      ...actorFields(actor, request),
      action: "key.renew",
      targetType: "api_key",
      targetId: key.id,
      outcome: "success",
      metadata: { alias: key.alias, prefix: key.prefix, previousExpiry: key.expiresAt.toISOString(), expiresAt: row.expiresAt.toISOString() },
    });
    return { expiresAt: row.expiresAt };
  }));
}
