import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { revokeAllSessions, revokeSession, validateSession } from "@/lib/auth/sessions";
import { SIGN_IN_ACCOUNT_ADDRESS_FAILURES, SIGN_IN_ACCOUNT_FAILURES, signInWithPassword, type SignInRequest } from "@/lib/auth/sign-in";
import { auditEvents, sessions, users } from "@/lib/db/schema";
import { DEMO_PASSWORD } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { db } from "@/lib/test/helpers";

let ipCounter = 0;
function attempt(email: string, password: string, ip = `10.0.0.${++ipCounter}`): SignInRequest {
  return { email, password, ip, userAgent: "vitest", requestId: "11111111-1111-4111-8111-111111111111" };
}

describe("sign-in with email and password", () => {
  beforeAll(async () => {
    await seedDemoData(db());
  });

  it("signs a member in, creates a server-side session and audits it", async () => {
    const result = await signInWithPassword(db(), attempt("Naledi@Acme.example ", DEMO_PASSWORD));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.user.email).toBe("naledi@acme.example");
    const [session] = await db().select().from(sessions).where(eq(sessions.id, result.sessionId));
    expect(session?.userId).toBe(result.user.id);
    expect(session?.activeOrgId).not.toBeNull();
    const lifetime = (session!.expiresAt.getTime() - session!.createdAt.getTime()) / 3_600_000;
    expect(lifetime).toBeCloseTo(12, 1);
    expect(await validateSession(db(), result.sessionId)).toBe(true);
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "auth.sign_in"), eq(auditEvents.targetId, result.sessionId)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.outcome).toBe("success");
    expect(JSON.stringify(audit[0])).not.toContain(DEMO_PASSWORD);
  });

  it("gives a new session id at every sign-in", async () => {
    const a = await signInWithPassword(db(), attempt("sipho@acme.example", DEMO_PASSWORD));
    const b = await signInWithPassword(db(), attempt("sipho@acme.example", DEMO_PASSWORD));
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) expect(a.sessionId).not.toBe(b.sessionId);
  });

  it("answers an unknown email exactly as it answers a wrong password", async () => {
    const unknown = await signInWithPassword(db(), attempt("nobody@acme.example", DEMO_PASSWORD));
    const wrong = await signInWithPassword(db(), attempt("aisha@acme.example", "not-the-password"));
    expect(unknown).toEqual({ ok: false, reason: "invalid" });
    expect(wrong).toEqual(unknown);
    const failures = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "auth.sign_in"), eq(auditEvents.outcome, "failure")));
    expect(failures.map((f) => f.actorLabel)).toEqual(expect.arrayContaining(["nobody@acme.example", "aisha@acme.example"]));
    for (const f of failures) expect(JSON.stringify(f)).not.toContain("not-the-password");
  });

  it("refuses malformed input as a failed sign-in, never a crash", async () => {
    for (const [email, password] of [
      [123, "x"],
      ["not-an-email", "x"],
      ["a@b.example", ""],
      [null, null],
      ["a@b.example", "x".repeat(5000)],
    ] as const) {
      const result = await signInWithPassword(db(), attempt(email as never, password as never));
      expect(result).toEqual({ ok: false, reason: "invalid" });
    }
  });

  it(`stops an address after ${SIGN_IN_ACCOUNT_ADDRESS_FAILURES} wrong passwords for 15 minutes, audited — and the owner still signs in from another`, async () => {
    const attacker = "198.51.100.66";
    for (let i = 0; i < SIGN_IN_ACCOUNT_ADDRESS_FAILURES; i++) {
      expect(await signInWithPassword(db(), attempt("johan@acme.example", `wrong-${i}`, attacker))).toEqual({ ok: false, reason: "invalid" });
    }
    const stopped = await signInWithPassword(db(), attempt("johan@acme.example", DEMO_PASSWORD, attacker));
    expect(stopped.ok).toBe(false);
    if (!stopped.ok) expect(stopped.reason).toBe("rate_limited");
    if (!stopped.ok && stopped.reason === "rate_limited") {
      expect(stopped.retryAfterSeconds).toBeGreaterThan(14 * 60);
      expect(stopped.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    }
    const denied = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorLabel, "johan@acme.example"), eq(auditEvents.outcome, "denied")));
    expect(denied.length).toBeGreaterThanOrEqual(1);
    // The owner, from home: the lockout is no weapon.
    expect((await signInWithPassword(db(), attempt("johan@acme.example", DEMO_PASSWORD, "203.0.113.10"))).ok).toBe(true);
    // When the window has passed, the right password works from the first address too.
    await db().execute(
      sql`update rate_limits set window_started_at = now() - interval '16 minutes' where bucket = ${`sign-in:account-address:johan@acme.example:${attacker}`}`,
    );
    expect((await signInWithPassword(db(), attempt("johan@acme.example", DEMO_PASSWORD, attacker))).ok).toBe(true);
  });

  it(`slows guesses spread over many addresses: past ${SIGN_IN_ACCOUNT_FAILURES} a minute, Retry-After of at most a minute`, async () => {
    for (let i = 0; i < SIGN_IN_ACCOUNT_FAILURES; i++) {
      expect(await signInWithPassword(db(), attempt("thabo@nkosi.example", `spread-${i}`))).toEqual({ ok: false, reason: "invalid" });
    }
    const slowed = await signInWithPassword(db(), attempt("thabo@nkosi.example", DEMO_PASSWORD));
    expect(slowed).toMatchObject({ ok: false, reason: "rate_limited" });
    if (!slowed.ok && slowed.reason === "rate_limited") expect(slowed.retryAfterSeconds).toBeLessThanOrEqual(60);
    await db().execute(sql`update rate_limits set window_started_at = now() - interval '2 minutes' where bucket = 'sign-in:account:thabo@nkosi.example'`);
    expect((await signInWithPassword(db(), attempt("thabo@nkosi.example", DEMO_PASSWORD))).ok).toBe(true);
  });

  it("counts a parallel burst of wrong passwords atomically: at most the limit is ever checked", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signInWithPassword(db(), attempt("kagiso@pending.example", `burst-${i}`, "198.51.100.99"))),
    );
    const checked = results.filter((r) => !r.ok && r.reason === "invalid").length;
    expect(checked).toBeLessThanOrEqual(SIGN_IN_ACCOUNT_ADDRESS_FAILURES);
    expect(results.filter((r) => !r.ok && r.reason === "rate_limited").length).toBe(20 - checked);
  });

  it("rate limits one IP address across accounts", async () => {
    const ip = "192.0.2.77";
    const results = [];
    for (let i = 0; i < 52; i++) results.push(await signInWithPassword(db(), attempt(`user${i}@nowhere.example`, "x", ip)));
    expect(results.slice(0, 50).every((r) => !r.ok && r.reason === "invalid")).toBe(true);
    expect(results.slice(50).every((r) => !r.ok && r.reason === "rate_limited")).toBe(true);
  });
});

describe("server-side sessions", () => {
  async function freshSession() {
    const result = await signInWithPassword(db(), attempt("pieter@acme.example", DEMO_PASSWORD));
    if (!result.ok) throw new Error("sign-in failed");
    return result;
  }

  it("ends a session on sign-out", async () => {
    const { sessionId } = await freshSession();
    await revokeSession(db(), sessionId);
    expect(await validateSession(db(), sessionId)).toBe(false);
  });

  it("ends a session after 30 idle minutes", async () => {
    const { sessionId } = await freshSession();
    await db().update(sessions).set({ lastSeenAt: sql`now() - interval '29 minutes'` }).where(eq(sessions.id, sessionId));
    expect(await validateSession(db(), sessionId)).toBe(true);
    await db().update(sessions).set({ lastSeenAt: sql`now() - interval '31 minutes'` }).where(eq(sessions.id, sessionId));
    expect(await validateSession(db(), sessionId)).toBe(false);
  });

  it("ends a session 12 hours after sign-in however active it is", async () => {
    const { sessionId } = await freshSession();
    await db().update(sessions).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(sessions.id, sessionId));
    expect(await validateSession(db(), sessionId)).toBe(false);
  });

  it("signs out everywhere", async () => {
    const a = await freshSession();
    const b = await freshSession();
    await revokeAllSessions(db(), a.user.id);
    expect(await validateSession(db(), a.sessionId)).toBe(false);
    expect(await validateSession(db(), b.sessionId)).toBe(false);
    const later = await freshSession();
    expect(await validateSession(db(), later.sessionId)).toBe(true);
  });

  it("refuses ids that are not session ids", async () => {
    expect(await validateSession(db(), "' or 1=1 --")).toBe(false);
    expect(await validateSession(db(), "00000000-0000-4000-8000-000000000000")).toBe(false);
  });

  it("never stores a password in the users table in plain text", async () => {
    const rows = await db().select({ hash: users.passwordHash }).from(users);
    for (const row of rows) expect(row.hash).not.toContain(DEMO_PASSWORD);
  });
});
