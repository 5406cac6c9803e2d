import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import { recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Database, Executor } from "@/lib/db";
import { users } from "@/lib/db/schema";
import { SET_UP_LINK_INVALID, SET_UP_TOKEN, setUpAccountSchema } from "@/lib/schemas/set-up";
import { hashSecret, sha256Hex } from "@/lib/security/hashing";
import { hitRateLimit, undoRateLimitHit } from "@/lib/security/rate-limit";

/** Set-up attempts allowed per client address in 15 minutes; a successful one takes its attempt back. */
export const SET_UP_ATTEMPTS_PER_ADDRESS = 10;
export const SET_UP_WINDOW_SECONDS = 15 * 60;

export type SetUpAccountResult =
  | { ok: true; email: string }
  | { ok: false; reason: "invalid_input" | "invalid_link" | "rate_limited"; error: string; fieldErrors?: Record<string, string> };

/** The sign-in a set-up link opens, while the link is unused and unexpired; null otherwise. */
export async function findAccountToSetUp(db: Executor, token: unknown): Promise<{ email: string; name: string } | null> {
  if (typeof token !== "string" || !SET_UP_TOKEN.test(token)) return null;
  const [row] = await db
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(and(eq(users.setUpTokenHash, sha256Hex(token)), gt(users.setUpExpiresAt, sql`now()`)))
    .limit(1);
  return row ?? null;
}

/**
 * Sets the password and PIN of the account a set-up link opens (`npm run operator:create`) and closes
 * the link: it works once, before it expires. A used, expired or unknown link gets one answer that
 * says nothing more. Public by nature — the link's 256-bit token is the credential — and still
 * limited per client address like the sign-in, each attempt counted before the token is looked up.
 */
export async function setUpAccount(db: Database, input: unknown, request: RequestInfo): Promise<SetUpAccountResult> {
  const parsed = setUpAccountSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[issue.path.map(String).join(".") || "form"] ??= issue.message;
    const linkBroken = "token" in fieldErrors || "form" in fieldErrors;
    return { ok: false, reason: "invalid_input", error: linkBroken ? SET_UP_LINK_INVALID : "Check the highlighted fields.", fieldErrors };
  }
  const { token, password, pin } = parsed.data;
  const audit = { actorLabel: "set-up link", ip: request.ip, requestId: request.requestId, action: "auth.set_up" };

  const bucket = `set-up:address:${request.ip ?? "unknown"}`;
  const limit = await hitRateLimit(db, bucket, SET_UP_ATTEMPTS_PER_ADDRESS, SET_UP_WINDOW_SECONDS);
  if (!limit.allowed) {
    await recordAuditEvent(db, { ...audit, outcome: "denied", metadata: { reason: "rate_limited" } });
    const minutes = Math.ceil(limit.retryAfterSeconds / 60);
    return {
      ok: false,
      reason: "rate_limited",
      error: `Too many attempts from your network. Wait ${minutes} minute${minutes === 1 ? "" : "s"}, then try again.`,
    };
  }

  const tokenHash = sha256Hex(token);
  const open = and(eq(users.setUpTokenHash, tokenHash), gt(users.setUpExpiresAt, sql`now()`));
  const [user] = await db.select({ id: users.id }).from(users).where(open).limit(1);
  if (!user) {
    await recordAuditEvent(db, { ...audit, outcome: "failure" });
    return { ok: false, reason: "invalid_link", error: SET_UP_LINK_INVALID };
  }

  // Argon2id is deliberately slow: hash before the transaction opens.
  const passwordHash = await hashSecret(password);
  const pinHash = await hashSecret(pin);
  const done = await db.transaction(async (tx) => {
    // The claim is one conditional update, so two submissions of one link cannot both succeed.
    const [claimed] = await tx
      .update(users)
      .set({
        passwordHash,
        pinHash,
        pinSetAt: sql`now()`,
        pinFailedAttempts: 0,
        pinLockedUntil: null,
        setUpTokenHash: null,
        setUpExpiresAt: null,
        sessionsValidAfter: sql`now()`,
      })
      .where(and(eq(users.id, user.id), open))
      .returning({ id: users.id, email: users.email });
    if (!claimed) return null;
    await recordAuditEvent(tx, { ...audit, actorUserId: claimed.id, actorLabel: claimed.email, targetType: "user", targetId: claimed.id, outcome: "success" });
    return claimed;
  });
  if (!done) {
    await recordAuditEvent(db, { ...audit, outcome: "failure" });
    return { ok: false, reason: "invalid_link", error: SET_UP_LINK_INVALID };
  }
  await undoRateLimitHit(db, bucket);
  return { ok: true, email: done.email };
}
