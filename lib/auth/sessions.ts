import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { memberships, organisations, sessions, users } from "@/lib/db/schema";

/** A session ends after 30 idle minutes, and 12 hours after sign-in whatever happens. */
export const SESSION_IDLE_SECONDS = 30 * 60;
export const SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60;
/** lastSeenAt is written at most this often per session. */
const TOUCH_INTERVAL_SECONDS = 60;

export async function createSession(
  db: Executor,
  input: { userId: string; ip: string | null; userAgent: string | null },
): Promise<string> {
  // The organisation joined first; among those joined at once, the first by name (as the switcher lists them).
  const [first] = await db
    .select({ orgId: memberships.orgId })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.orgId))
    .where(eq(memberships.userId, input.userId))
    .orderBy(asc(memberships.createdAt), asc(organisations.name))
    .limit(1);
  const [row] = await db
    .insert(sessions)
    .values({
      userId: input.userId,
      activeOrgId: first?.orgId ?? null,
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 400) ?? null,
      expiresAt: sql`now() + make_interval(secs => ${SESSION_ABSOLUTE_SECONDS})`,
    })
    .returning({ id: sessions.id });
  if (!row) throw new Error("session insert returned no row");
  return row.id;
}

/**
 * True while the session may be used: not revoked, not past its absolute end, not idle too long,
 * and not older than the user's "sign out everywhere". Marks it seen.
 */
export async function validateSession(db: Executor, sessionId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(sessionId)) return false;
  const result = await db.execute<{ id: string }>(sql`
    update sessions s set last_seen_at = case
        when s.last_seen_at < now() - make_interval(secs => ${TOUCH_INTERVAL_SECONDS}) then now()
        else s.last_seen_at end
    from users u
    where s.id = ${sessionId} and u.id = s.user_id
      and s.revoked_at is null
      and s.expires_at > now()
      and s.last_seen_at > now() - make_interval(secs => ${SESSION_IDLE_SECONDS})
      and s.created_at >= u.sessions_valid_after
    returning s.id
  `);
  return result.rows.length === 1;
}

export async function revokeSession(db: Executor, sessionId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/** Ends every session of the user, on every device. */
export async function revokeAllSessions(db: Executor, userId: string): Promise<void> {
  await db.update(users).set({ sessionsValidAfter: sql`now()` }).where(eq(users.id, userId));
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}
