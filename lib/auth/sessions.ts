import "server-only";
import { and, asc, desc, eq, gt, gte, isNull, ne, type SQL, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { memberships, organisations, sessions, users } from "@/lib/db/schema";

/** A session ends after 30 idle minutes, and 12 hours after sign-in whatever happens. */
export const SESSION_IDLE_SECONDS = 30 * 60;
export const SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60;
/** lastSeenAt is written at most this often per session. */
const TOUCH_INTERVAL_SECONDS = 60;

export async function createSession(db: Executor, input: { userId: string; ip: string | null; userAgent: string | null }): Promise<string> {
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

/** The form of a session id (a UUID); anything else is no session, without asking the database. */
export const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A WITH clause whose `usable` holds the session's id while it may be used: not revoked, not past its
 * absolute end, not idle too long, and not older than the user's "sign out everywhere". It marks the
 * session seen — a write only when the last mark is more than TOUCH_INTERVAL_SECONDS old: the check
 * itself is a read, so a member's pages (and the requests of one page) neither write a row version
 * each nor wait on one another's lock.
 */
export function usableSession(sessionId: string): SQL {
  return sql`
    with usable as (
      select s.id, s.last_seen_at < now() - make_interval(secs => ${TOUCH_INTERVAL_SECONDS}) as stale
      from sessions s join users u on u.id = s.user_id
      where s.id = ${sessionId}
        and s.revoked_at is null
        and s.expires_at > now()
        and s.last_seen_at > now() - make_interval(secs => ${SESSION_IDLE_SECONDS})
        and s.created_at >= u.sessions_valid_after
    ), touched as (
      update sessions set last_seen_at = now()
      where id in (select id from usable where stale)
        and last_seen_at < now() - make_interval(secs => ${TOUCH_INTERVAL_SECONDS})
      returning id
    )`;
}

/** True while the session may be used (see usableSession), marking it seen. */
export async function validateSession(db: Executor, sessionId: string): Promise<boolean> {
  if (!SESSION_ID.test(sessionId)) return false;
  const result = await db.execute<{ id: string }>(sql`${usableSession(sessionId)} select id from usable`);
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

/** A session that may still be used: not revoked, not past its end, not idle too long, not voided. */
function stillValid(userId: string) {
  return and(
    eq(sessions.userId, userId),
    isNull(sessions.revokedAt),
    gt(sessions.expiresAt, sql`now()`),
    gt(sessions.lastSeenAt, sql`now() - make_interval(secs => ${SESSION_IDLE_SECONDS})`),
    gte(sessions.createdAt, sql`(select ${users.sessionsValidAfter} from ${users} where ${users.id} = ${userId})`),
  );
}

export interface SessionSummary {
  /** Whether this is the session the list is shown to. */
  current: boolean;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
}

/**
 * The user's sessions that can still be used, this one first, then the most recently active. Never
 * the session ids: they are not the browser's to know.
 */
export async function listActiveSessions(db: Executor, userId: string, currentSessionId: string): Promise<SessionSummary[]> {
  const rows = await db
    .select({ id: sessions.id, ip: sessions.ip, userAgent: sessions.userAgent, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .where(stillValid(userId))
    .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt))
    .limit(100);
  return rows.map(({ id, ...row }) => ({ ...row, current: id === currentSessionId })).sort((a, b) => Number(b.current) - Number(a.current));
}

/**
 * Ends every session of the user but `keepSessionId` (the one asking), on every device, in one
 * statement; returns how many of them could still have been used. A session that signs in on another
 * device at the same instant is either ended here or starts after this — none survives unseen.
 */
export async function revokeOtherSessions(db: Executor, userId: string, keepSessionId: string): Promise<number> {
  const ended = await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), ne(sessions.id, keepSessionId)))
    .returning({
      usable: sql<boolean>`${sessions.expiresAt} > now()
        and ${sessions.lastSeenAt} > now() - make_interval(secs => ${SESSION_IDLE_SECONDS})
        and ${sessions.createdAt} >= (select ${users.sessionsValidAfter} from ${users} where ${users.id} = ${userId})`,
    });
  return ended.filter((row) => row.usable).length;
}
