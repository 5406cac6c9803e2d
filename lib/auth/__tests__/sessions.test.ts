import { and, desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { loadActor, type Actor } from "@/lib/auth/actor";
import { changePassword } from "@/lib/auth/change-password";
import { changePin } from "@/lib/auth/change-pin";
import { verifyActionPin } from "@/lib/auth/pin";
import { createSession, listActiveSessions, revokeSession, validateSession } from "@/lib/auth/sessions";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { signOutOtherSessions } from "@/lib/auth/sign-out-other-sessions";
import { describeUserAgent } from "@/lib/auth/user-agent";
import { auditEvents, memberships, sessions, users } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { createOrganisation } from "@/lib/organisations/create-organisation";
import { hashSecret } from "@/lib/security/hashing";
import { context, db } from "@/lib/test/helpers";

const PASSWORD = "correct horse battery";
const PIN = "482915";
const CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

let orgId: string;
let viewerRole: string;

beforeAll(async () => {
  const org = await createOrganisation(db(), { name: "Sessions Test Org", kind: "business", status: "approved", products: [] });
  orgId = org.id;
  viewerRole = org.roleIds.viewer;
});

/** A member with a known password and PIN, and no session yet. */
async function member(email: string): Promise<string> {
  const [user] = await db()
    .insert(users)
    .values({ email, name: email.split("@")[0]!, passwordHash: await hashSecret(PASSWORD), pinHash: await hashSecret(PIN), pinSetAt: new Date() })
    .returning({ id: users.id });
  await db().insert(memberships).values({ orgId, userId: user!.id, roleId: viewerRole });
  return user!.id;
}

/** Signs the user in from a device: a real session row, and the actor the app would see for it. */
async function signedIn(userId: string, userAgent: string | null = CHROME_MAC, ip = "198.51.100.7"): Promise<Actor> {
  const sessionId = await createSession(db(), { userId, ip, userAgent });
  const actor = await loadActor(db(), sessionId);
  if (!actor) throw new Error("actor did not load");
  return actor;
}

async function usable(actor: Actor): Promise<boolean> {
  return validateSession(db(), actor.sessionId);
}

async function auditOf(userId: string, action: string) {
  return db()
    .select({ outcome: auditEvents.outcome, metadata: auditEvents.metadata, orgId: auditEvents.orgId, targetId: auditEvents.targetId })
    .from(auditEvents)
    .where(and(eq(auditEvents.actorUserId, userId), eq(auditEvents.action, action)))
    .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id));
}

async function refusal(work: Promise<unknown>): Promise<DomainError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe("sign out of all other sessions", () => {
  it("ends every other session of the member, keeps this one, and audits how many", async () => {
    const userId = await member("laptop@sessions.example");
    const here = await signedIn(userId, CHROME_MAC);
    const phone = await signedIn(userId, SAFARI_IPHONE);
    const desk = await signedIn(userId, FIREFOX_WINDOWS);
    const stranger = await signedIn(await member("stranger@sessions.example"));

    const result = await signOutOtherSessions(db(), here, { pin: PIN }, context);

    expect(result).toEqual({ ended: 2 });
    expect(await usable(here)).toBe(true);
    expect(await usable(phone)).toBe(false);
    expect(await usable(desk)).toBe(false);
    expect(await usable(stranger)).toBe(true);
    const [row] = await auditOf(userId, "auth.sign_out_others");
    expect(row).toMatchObject({ outcome: "success", orgId, targetId: userId, metadata: { sessions: 2 } });
    // The list now shows this device alone.
    const listed = await listActiveSessions(db(), userId, here.sessionId);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ current: true, userAgent: CHROME_MAC, ip: "198.51.100.7" });
  });

  it("counts only sessions that could still be used, and with none left says 0", async () => {
    const userId = await member("counted@sessions.example");
    const here = await signedIn(userId);
    const gone = await signedIn(userId);
    await revokeSession(db(), gone.sessionId);
    expect(await signOutOtherSessions(db(), here, { pin: PIN }, context)).toEqual({ ended: 0 });
    expect(await usable(here)).toBe(true);
  });

  it("refuses a wrong PIN, audits it, and ends nothing", async () => {
    const userId = await member("wrongpin@sessions.example");
    const here = await signedIn(userId);
    const other = await signedIn(userId);

    const error = await refusal(signOutOtherSessions(db(), here, { pin: "905318" }, context));

    expect(error.code).toBe("pin_invalid");
    expect(error.message).toMatch(/Wrong PIN. 4 tries left/);
    expect(await usable(here)).toBe(true);
    expect(await usable(other)).toBe(true);
    expect(await auditOf(userId, "auth.pin_failed")).toHaveLength(1);
    expect(await auditOf(userId, "auth.sign_out_others")).toHaveLength(0);
  });

  it("cannot end someone else's sessions: the input names nothing but the PIN", async () => {
    const victimId = await member("victim@sessions.example");
    const victim = await signedIn(victimId);
    const attackerId = await member("attacker@sessions.example");
    const attacker = await signedIn(attackerId);
    await signedIn(attackerId);

    for (const input of [
      { pin: PIN, userId: victimId },
      { pin: PIN, sessionId: victim.sessionId },
    ]) {
      const error = await refusal(signOutOtherSessions(db(), attacker, input, context));
      expect(error.code).toBe("invalid_request");
    }
    expect(await usable(victim)).toBe(true);

    // Done properly, it ends only the attacker's own other session.
    expect(await signOutOtherSessions(db(), attacker, { pin: PIN }, context)).toEqual({ ended: 1 });
    expect(await usable(victim)).toBe(true);
    expect(await usable(attacker)).toBe(true);
  });

  it.each([
    ["no PIN", {}],
    ["a number", { pin: 482915 }],
    ["NUL", { pin: "48291\u0000" }],
    ["control characters", { pin: "\u0007\u0008\u0009\u000a\u000b\u000c" }],
    ["a huge string", { pin: "4".repeat(100_000) }],
    ["an array", { pin: ["482915"] }],
    ["null", null],
    ["a string", "482915"],
  ])("refuses %s as input with a validation error, changing nothing", async (_, input) => {
    const userId = await member(`fuzz-${Math.random().toString(36).slice(2)}@sessions.example`);
    const here = await signedIn(userId);
    const other = await signedIn(userId);
    const error = await refusal(signOutOtherSessions(db(), here, input, context));
    expect(error.code).toBe("invalid_request");
    expect(await usable(other)).toBe(true);
    const [user] = await db().select({ failures: users.pinFailedAttempts }).from(users).where(eq(users.id, userId));
    expect(user!.failures).toBe(0);
  });
});

describe("the list of sessions", () => {
  it("shows this session first, then the most recent, and leaves out ended, expired and idle ones — never an id", async () => {
    const userId = await member("list@sessions.example");
    const older = await signedIn(userId, FIREFOX_WINDOWS, "203.0.113.9");
    const here = await signedIn(userId, CHROME_MAC);
    const newer = await signedIn(userId, SAFARI_IPHONE, "2001:db8::1");
    await db()
      .update(sessions)
      .set({ lastSeenAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(sessions.id, older.sessionId));
    const revoked = await signedIn(userId);
    await revokeSession(db(), revoked.sessionId);
    const idle = await signedIn(userId);
    await db()
      .update(sessions)
      .set({ lastSeenAt: new Date(Date.now() - 31 * 60_000) })
      .where(eq(sessions.id, idle.sessionId));
    const expired = await signedIn(userId);
    await db()
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, expired.sessionId));

    const listed = await listActiveSessions(db(), userId, here.sessionId);

    expect(listed.map((s) => [s.current, s.userAgent, s.ip])).toEqual([
      [true, CHROME_MAC, "198.51.100.7"],
      [false, SAFARI_IPHONE, "2001:db8::1"],
      [false, FIREFOX_WINDOWS, "203.0.113.9"],
    ]);
    expect(JSON.stringify(listed)).not.toContain(newer.sessionId);
    expect(JSON.stringify(listed)).not.toContain(here.sessionId);
  });

  it.each([
    [CHROME_MAC, "Chrome on macOS"],
    [FIREFOX_WINDOWS, "Firefox on Windows"],
    [SAFARI_IPHONE, "Safari on iOS"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"],
    ["Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android"],
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "Headless Chrome on Linux"],
    ["Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on ChromeOS"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0", "Opera on macOS"],
    ["curl/8.5.0", "curl"],
    ["", "Unknown browser"],
    [null, "Unknown browser"],
    ["\u0000<script>alert(1)</script>", "Unknown browser"],
  ])("describes %j as %s", (ua, label) => {
    expect(describeUserAgent(ua).label).toBe(label);
  });
});

describe("changing the PIN", () => {
  it("sets the new PIN, ends the other sessions, keeps this one, and audits it", async () => {
    const userId = await member("newpin@sessions.example");
    const here = await signedIn(userId);
    const other = await signedIn(userId);

    expect(await changePin(db(), here, { newPin: "731904", confirmNewPin: "731904", pin: PIN }, context)).toEqual({ sessionsEnded: 1 });

    expect(await usable(here)).toBe(true);
    expect(await usable(other)).toBe(false);
    await expect(verifyActionPin(db(), here, "731904", context)).resolves.toBeUndefined();
    await expect(verifyActionPin(db(), here, PIN, context)).rejects.toMatchObject({ code: "pin_invalid" });
    const [row] = await auditOf(userId, "auth.pin_change");
    expect(row).toMatchObject({ outcome: "success", metadata: { sessionsEnded: 1 } });
    expect(JSON.stringify(row)).not.toContain("731904");
  });

  it("refuses a wrong current PIN, counts it, and changes nothing", async () => {
    const userId = await member("wrongcurrent@sessions.example");
    const here = await signedIn(userId);
    const other = await signedIn(userId);
    const [before] = await db().select({ pinHash: users.pinHash }).from(users).where(eq(users.id, userId));

    const error = await refusal(changePin(db(), here, { newPin: "731904", confirmNewPin: "731904", pin: "905318" }, context));

    expect(error.code).toBe("pin_invalid");
    const [after] = await db().select({ pinHash: users.pinHash, failures: users.pinFailedAttempts }).from(users).where(eq(users.id, userId));
    expect(after!.pinHash).toBe(before!.pinHash);
    expect(after!.failures).toBe(1);
    expect(await usable(other)).toBe(true);
    expect(await auditOf(userId, "auth.pin_failed")).toHaveLength(1);
  });

  it.each([
    ["a trivial new PIN", { newPin: "123456", confirmNewPin: "123456", pin: PIN }, "newPin", /consecutive/],
    ["a repeated digit", { newPin: "000000", confirmNewPin: "000000", pin: PIN }, "newPin", /repeated/],
    ["two different new PINs", { newPin: "731904", confirmNewPin: "731905", pin: PIN }, "confirmNewPin", /do not match/],
    ["the current PIN again", { newPin: PIN, confirmNewPin: PIN, pin: PIN }, "newPin", /different/],
    ["letters", { newPin: "73a904", confirmNewPin: "73a904", pin: PIN }, "newPin", /6 digits/],
    ["NUL", { newPin: "73190\u0000", confirmNewPin: "73190\u0000", pin: PIN }, "newPin", /6 digits/],
    ["a huge new PIN", { newPin: "7".repeat(100_000), confirmNewPin: "7", pin: PIN }, "newPin", /6 digits/],
    ["an extra field", { newPin: "731904", confirmNewPin: "731904", pin: PIN, userId: "00000000-0000-4000-8000-000000000000" }, "form", /./],
  ])("refuses %s with a field error and changes nothing", async (_, input, field, message) => {
    const userId = await member(`pinfuzz-${Math.random().toString(36).slice(2)}@sessions.example`);
    const here = await signedIn(userId);
    const other = await signedIn(userId);
    const error = await refusal(changePin(db(), here, input, context));
    expect(error.code).toBe("invalid_request");
    expect(error.fieldErrors?.[field]).toMatch(message);
    await expect(verifyActionPin(db(), here, PIN, context)).resolves.toBeUndefined();
    expect(await usable(other)).toBe(true);
  });
});

describe("changing the password", () => {
  it("sets the new password, ends the other sessions, keeps this one, and audits it", async () => {
    const email = "newpassword@sessions.example";
    const userId = await member(email);
    const here = await signedIn(userId);
    const other = await signedIn(userId);
    const next = "a much longer new password";

    expect(await changePassword(db(), here, { currentPassword: PASSWORD, newPassword: next, confirmNewPassword: next }, context)).toEqual({ sessionsEnded: 1 });

    expect(await usable(here)).toBe(true);
    expect(await usable(other)).toBe(false);
    const signIn = { ip: "192.0.2.1", userAgent: null, requestId: context.requestId };
    expect((await signInWithPassword(db(), { ...signIn, email, password: next })).ok).toBe(true);
    expect((await signInWithPassword(db(), { ...signIn, email, password: PASSWORD })).ok).toBe(false);
    const [row] = await auditOf(userId, "auth.password_change");
    expect(row).toMatchObject({ outcome: "success", metadata: { sessionsEnded: 1 } });
    expect(JSON.stringify(row)).not.toContain(next);
  });

  it("refuses a wrong current password, audits it, and after five stops guessing", async () => {
    const userId = await member("guesser@sessions.example");
    const here = await signedIn(userId);
    const other = await signedIn(userId);
    const input = (currentPassword: string) => ({
      currentPassword,
      newPassword: "a much longer new password",
      confirmNewPassword: "a much longer new password",
    });

    for (let i = 0; i < 5; i++) {
      const error = await refusal(changePassword(db(), here, input(`guess ${i}`), context));
      expect(error.fieldErrors?.currentPassword).toBe("That is not your current password");
    }
    // The sixth try is refused before the password is checked — even the right one.
    const limited = await refusal(changePassword(db(), here, input(PASSWORD), context));
    expect(limited.code).toBe("rate_limited");

    expect(await auditOf(userId, "auth.password_change")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ outcome: "failure" }),
        expect.objectContaining({ outcome: "denied", metadata: { reason: "rate_limited" } }),
      ]),
    );
    expect(await usable(other)).toBe(true);
  });

  it.each([
    ["a short new password", { currentPassword: PASSWORD, newPassword: "short", confirmNewPassword: "short" }, "newPassword"],
    [
      "two different new passwords",
      { currentPassword: PASSWORD, newPassword: "a much longer new password", confirmNewPassword: "a much longer new passwore" },
      "confirmNewPassword",
    ],
    ["a huge new password", { currentPassword: PASSWORD, newPassword: "x".repeat(100_000), confirmNewPassword: "x".repeat(100_000) }, "newPassword"],
    [
      "no current password",
      { currentPassword: "", newPassword: "a much longer new password", confirmNewPassword: "a much longer new password" },
      "currentPassword",
    ],
    ["the same password again", { currentPassword: PASSWORD, newPassword: PASSWORD, confirmNewPassword: PASSWORD }, "newPassword"],
    ["a number", { currentPassword: 42, newPassword: "a much longer new password", confirmNewPassword: "a much longer new password" }, "currentPassword"],
  ])("refuses %s with a field error and changes nothing", async (_, input, field) => {
    const email = `pwfuzz-${Math.random().toString(36).slice(2)}@sessions.example`;
    const userId = await member(email);
    const here = await signedIn(userId);
    const other = await signedIn(userId);
    const error = await refusal(changePassword(db(), here, input, context));
    expect(error.fieldErrors?.[field]).toBeTruthy();
    expect(await usable(other)).toBe(true);
    expect((await signInWithPassword(db(), { email, password: PASSWORD, ip: "192.0.2.2", userAgent: null, requestId: context.requestId })).ok).toBe(true);
  });
});
