import "server-only";
import { and, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import { recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import { changingKeyAccess } from "@/lib/api/key-cache";
import type { Database, Executor, Transaction } from "@/lib/db";
import { accessTokens, apiKeys, memberships, notifications, organisations, roles, users } from "@/lib/db/schema";
import { formatDateTime } from "@/lib/format";
import { portalOrigin } from "@/lib/mail/portal-origin";
import { queueEmail } from "@/lib/mail/outbox";
import { resolveKeyReminders } from "@/lib/notifications/resolve-key-reminders";
import { liveKey } from "./list-keys";

/** Where one leaked secret was found, as its reporter said: all optional, all plain text. */
export interface LeakSighting {
  /** SHA-256 hex of the secret: the only form of it this module ever sees. */
  secretHash: string;
  url: string | null;
  source: string | null;
  tokenType: string | null;
}

/** Who reported the leak: a secret-scanning partner (by its signing key's id), or a member by hand. */
export type LeakReporter = { partner: string } | { member: { userId: string; email: string; orgId: string } };

export const LEAKED_KEY_KIND = "key_leaked";

/**
 * The one body of every leak report, partner's or by hand, in one transaction of its own, under
 * changingKeyAccess (the embedded database's verification cache is emptied: the next call is refused).
 */
export function freezeLeakedKeys(db: Database, sightings: readonly LeakSighting[], reporter: LeakReporter, request: RequestInfo) {
  return changingKeyAccess(db, () => db.transaction((tx) => freezeInTransaction(tx, sightings, reporter, request)));
}

/**
 * Inside the transaction: finds the
 * live keys whose current secret — or old secret still within its overlap — is one of the sightings',
 * rows locked; freezes each not yet leaked (leaked_at, where and by whom; its overlap ends and its
 * access tokens with it: a leak ends both secrets at once), audits it, and tells every member of its
 * organisation who may renew or delete keys, in the bell and by e-mail, with where it was found.
 * A key already leaked is found again but changes nothing: a replayed report writes no second row.
 *
 * Returns the hashes that are Latchkey keys (leaked now or before) and the ids of the keys frozen now.
 * A member's report names their organisation: another organisation's key is not found.
 */
async function freezeInTransaction(
  tx: Transaction,
  sightings: readonly LeakSighting[],
  reporter: LeakReporter,
  request: RequestInfo,
): Promise<{ found: Set<string>; frozen: string[] }> {
  const hashes = [...new Set(sightings.map((s) => s.secretHash))];
  if (hashes.length === 0) return { found: new Set(), frozen: [] };
  const now = new Date();
  const matches = or(inArray(apiKeys.secretHash, hashes), and(inArray(apiKeys.previousSecretHash, hashes), gt(apiKeys.previousSecretExpiresAt, sql`now()`)));
  const orgOnly = "member" in reporter ? eq(apiKeys.orgId, reporter.member.orgId) : undefined;
  const keys = await tx
    .select({
      id: apiKeys.id,
      orgId: apiKeys.orgId,
      orgName: organisations.name,
      alias: apiKeys.alias,
      prefix: apiKeys.prefix,
      secretHash: apiKeys.secretHash,
      previousSecretHash: apiKeys.previousSecretHash,
      leakedAt: apiKeys.leakedAt,
    })
    .from(apiKeys)
    .innerJoin(organisations, eq(organisations.id, apiKeys.orgId))
    .where(and(matches, liveKey(now), orgOnly))
    .orderBy(apiKeys.id)
    .for("update", { of: apiKeys });

  const found = new Set<string>();
  const frozen: string[] = [];
  for (const key of keys) {
    const sighting = sightings.find((s) => s.secretHash === key.secretHash) ?? sightings.find((s) => s.secretHash === key.previousSecretHash)!;
    found.add(sighting.secretHash);
    if (key.leakedAt) continue;
    const reportedBy = "member" in reporter ? reporter.member.userId : null;
    const [row] = await tx
      .update(apiKeys)
      .set({
        leakedAt: sql`now()`,
        leakUrl: sighting.url,
        leakSource: sighting.source,
        leakReportedBy: reportedBy,
        previousSecretHash: null,
        previousPrefix: null,
        previousSecretExpiresAt: null,
        previousSecretLastUsedAt: null,
      })
      .where(and(eq(apiKeys.id, key.id), isNull(apiKeys.leakedAt)))
      .returning({ leakedAt: apiKeys.leakedAt });
    if (!row?.leakedAt) continue;
    frozen.push(key.id);
    await tx.delete(accessTokens).where(eq(accessTokens.keyId, key.id));
    await notifyKeyHolders(tx, { ...key, leakedAt: row.leakedAt, url: sighting.url, source: sighting.source });
    await recordAuditEvent(tx, {
      orgId: key.orgId,
      actorUserId: reportedBy,
      actorLabel: "member" in reporter ? reporter.member.email : `Secret scanning partner (${reporter.partner})`,
      ip: request.ip,
      requestId: request.requestId,
      action: "member" in reporter ? "key.report_leaked" : "key.leaked",
      targetType: "api_key",
      targetId: key.id,
      outcome: "success",
      metadata: {
        alias: key.alias,
        prefix: key.prefix,
        url: sighting.url,
        source: sighting.source,
        ...("partner" in reporter ? { tokenType: sighting.tokenType } : {}),
      },
    });
  }
  // Expiry reminders ask for a renewal a leaked key cannot have.
  await resolveKeyReminders(tx, frozen);
  return { found, frozen };
}

/** "found at https://… (github)" — where a leak was seen, in words; nothing when nobody said. */
export function describeSighting(url: string | null, source: string | null): string {
  if (url && source) return ` at ${url} (${source})`;
  if (url) return ` at ${url}`;
  return source ? ` (${source})` : "";
}

/** Each member who may renew or delete the key's organisation's keys: in the bell and by e-mail, once per leak. */
async function notifyKeyHolders(
  tx: Executor,
  key: { id: string; orgId: string; orgName: string; alias: string; prefix: string; leakedAt: Date; url: string | null; source: string | null },
) {
  const holders = await tx
    .select({ userId: users.id, email: users.email })
    .from(memberships)
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, key.orgId), sql`${roles.permissions} && array['keys:renew', 'keys:delete']::text[]`));
  const title = `“${key.alias}” was found in public and is frozen`;
  const body =
    `The API key “${key.alias}” (${key.prefix}…) of ${key.orgName} was found in public${describeSighting(key.url, key.source)} on ` +
    `${formatDateTime(key.leakedAt)}. The API refuses it from now on. Regenerate it to get a new secret, or delete it; it cannot be renewed.`;
  for (const holder of holders) {
    const dedupeKey = `leak:${key.id}:${holder.userId}:${key.leakedAt.toISOString()}`;
    await tx
      .insert(notifications)
      .values({ orgId: key.orgId, userId: holder.userId, kind: LEAKED_KEY_KIND, subjectType: "api_key", subjectId: key.id, dedupeKey, title, body })
      .onConflictDoNothing({ target: notifications.dedupeKey });
    await queueEmail(tx, {
      dedupeKey,
      to: holder.email,
      subject: `Latchkey: ${title}`,
      body: `${body}\n\nRegenerate or delete it: ${portalOrigin()}/keys/${key.id}`,
    });
  }
}
