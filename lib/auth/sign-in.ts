import "server-only";
import { eq, sql } from "drizzle-orm";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { Database } from "@/lib/db";
import { users } from "@/lib/db/schema";
import { signInSchema } from "@/lib/schemas/auth";
import { burnVerification, verifySecret } from "@/lib/security/hashing";
import { clearRateLimit, hitRateLimit, undoRateLimitHit } from "@/lib/security/rate-limit";
import { createSession } from "./sessions";

/**
 * Failed sign-ins allowed in a window. The short limit counts per account and client address, so
 * guesses from one place cannot lock the owner out from another; the account-wide limit is higher
 * and its window short — it slows a guesser spread over many addresses (Retry-After), it does not
 * lock the account for long. One address is limited across all accounts too.
 */
export const SIGN_IN_ACCOUNT_ADDRESS_FAILURES = 5;
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
export const SIGN_IN_ACCOUNT_FAILURES = 20;
export const SIGN_IN_ACCOUNT_WINDOW_SECONDS = 60;
export const SIGN_IN_IP_FAILURES = 50;

/** The one answer for an unknown email and a wrong password alike. */
export const SIGN_IN_FAILED_MESSAGE = "The email or password is incorrect.";

export type SignInResult =
  | { ok: true; user: { id: string; name: string; email: string }; sessionId: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

export interface SignInRequest {
  email: unknown;
  password: unknown;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
}

export async function signInWithPassword(db: Database, request: SignInRequest): Promise<SignInResult> {
  const parsed = signInSchema.safeParse({ email: request.email, password: request.password });
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;
  const accountBucket = `sign-in:account:${email}`;
  const placeBucket = `sign-in:account-address:${email}:${request.ip ?? "unknown"}`;
  const audit = { actorLabel: email, ip: request.ip, requestId: request.requestId, action: "auth.sign_in" };

  // Each attempt is counted atomically before the password is checked, so a parallel burst cannot
  // slip past a limit; a successful sign-in takes its attempt back.
  const ipBucket = request.ip ? `sign-in:ip:${request.ip}` : null;
  const checks = [
    await hitRateLimit(db, placeBucket, SIGN_IN_ACCOUNT_ADDRESS_FAILURES, SIGN_IN_WINDOW_SECONDS),
    await hitRateLimit(db, accountBucket, SIGN_IN_ACCOUNT_FAILURES, SIGN_IN_ACCOUNT_WINDOW_SECONDS),
    ...(ipBucket ? [await hitRateLimit(db, ipBucket, SIGN_IN_IP_FAILURES, SIGN_IN_WINDOW_SECONDS)] : []),
  ];
  const refused = checks.filter((c) => !c.allowed);
  if (refused.length) {
    await recordAuditEvent(db, { ...audit, outcome: "denied", metadata: { reason: "rate_limited" } });
    return { ok: false, reason: "rate_limited", retryAfterSeconds: Math.max(...refused.map((c) => c.retryAfterSeconds)) };
  }

  const [user] = await db
    .select({ id: users.id, name: users.name, email: users.email, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  const passwordOk = user ? await verifySecret(user.passwordHash, password) : (await burnVerification(password), false);

  if (!user || !passwordOk) {
    await recordAuditEvent(db, { ...audit, actorUserId: user?.id ?? null, outcome: "failure" });
    return { ok: false, reason: "invalid" };
  }

  const sessionId = await db.transaction(async (tx) => {
    const id = await createSession(tx, { userId: user.id, ip: request.ip, userAgent: request.userAgent });
    await tx.update(users).set({ lastSignInAt: sql`now()` }).where(eq(users.id, user.id));
    await recordAuditEvent(tx, { ...audit, actorUserId: user.id, actorLabel: user.email, outcome: "success", targetType: "session", targetId: id });
    return id;
  });
  await clearRateLimit(db, placeBucket);
  await undoRateLimitHit(db, accountBucket);
  if (ipBucket) await undoRateLimitHit(db, ipBucket);
  return { ok: true, user: { id: user.id, name: user.name, email: user.email }, sessionId };
}
