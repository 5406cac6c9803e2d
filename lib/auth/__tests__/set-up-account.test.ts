import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createOperator, SET_UP_LINK_HOURS, setUpLink } from "@/lib/auth/create-operator";
import { findAccountToSetUp, SET_UP_ATTEMPTS_PER_ADDRESS, setUpAccount } from "@/lib/auth/set-up-account";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { auditEvents, users } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { acceptInvitationSchema } from "@/lib/schemas/members";
import { SET_UP_LINK_INVALID, setUpAccountSchema } from "@/lib/schemas/set-up";
import { hashSecret, sha256Hex, verifySecret } from "@/lib/security/hashing";
import { db } from "@/lib/test/helpers";

const PASSWORD = "Operator-set-up-1";
const PIN = "604317";
const requestId = "22222222-2222-4222-8222-222222222222";
let ipCounter = 0;
const request = (ip = `10.9.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`) => ({ ip, requestId });
const form = (token: string, overrides: Record<string, unknown> = {}) => ({
  token,
  password: PASSWORD,
  confirmPassword: PASSWORD,
  pin: PIN,
  confirmPin: PIN,
  ...overrides,
});
const userRow = async (email: string) => (await db().select().from(users).where(eq(users.email, email)))[0]!;
const wellFormedToken = () => `lksu_${randomBytes(32).toString("base64url")}`;
const signIn = (email: string, password: string) => signInWithPassword(db(), { email, password, ip: request().ip, userAgent: "vitest", requestId });

describe("a bank operator's set-up link (npm run operator:create)", () => {
  it("creates an operator with no usable password and a 24-hour link kept only as its SHA-256", async () => {
    const before = Date.now();
    const link = await createOperator(db(), { email: " Ops.One@Bank.example ", name: "Lindiwe Zulu" });
    expect(link.status).toBe("created");
    expect(link.token).toMatch(/^lksu_[A-Za-z0-9_-]{43}$/);
    expect(setUpLink("https://portal.bank.example", link.token)).toBe(`https://portal.bank.example/set-up/${link.token}`);
    const user = await userRow("ops.one@bank.example");
    expect(user).toMatchObject({ isOperator: true, name: "Lindiwe Zulu", pinHash: null, setUpTokenHash: sha256Hex(link.token) });
    expect(user.setUpExpiresAt!.getTime() - before).toBeGreaterThanOrEqual(SET_UP_LINK_HOURS * 3_600_000 - 1000);
    expect(user.setUpExpiresAt!.getTime() - before).toBeLessThanOrEqual(SET_UP_LINK_HOURS * 3_600_000 + 60_000);
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "operator.create"), eq(auditEvents.targetId, user.id)));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify([user, audit])).not.toContain(link.token);
    // No password opens it until the link is used.
    for (const guess of ["", "password123456", PASSWORD, link.token]) expect((await signIn("ops.one@bank.example", guess)).ok).toBe(false);
    expect(await findAccountToSetUp(db(), link.token)).toEqual({ email: "ops.one@bank.example", name: "Lindiwe Zulu" });
  });

  it("sets the password and PIN once, audited; then the operator signs in, and the link is spent", async () => {
    const { token } = await createOperator(db(), { email: "ops.two@bank.example", name: "Sizwe Khumalo" });
    const result = await setUpAccount(db(), form(token), request());
    expect(result).toEqual({ ok: true, email: "ops.two@bank.example" });
    const user = await userRow("ops.two@bank.example");
    expect(user).toMatchObject({ setUpTokenHash: null, setUpExpiresAt: null, isOperator: true });
    expect(user.pinHash).toMatch(/^\$argon2id\$/);
    expect(await verifySecret(user.pinHash!, PIN)).toBe(true);
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    const signedIn = await signIn("ops.two@bank.example", PASSWORD);
    expect(signedIn.ok).toBe(true);
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "auth.set_up"), eq(auditEvents.actorUserId, user.id)));
    expect(audit.map((a) => a.outcome)).toEqual(["success"]);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
    expect(JSON.stringify(audit)).not.toContain(PIN);

    // Used once: the same link, even with other choices, is no longer valid and changes nothing.
    const signedInRow = await userRow("ops.two@bank.example");
    const again = await setUpAccount(db(), form(token, { password: "Another-password-2", confirmPassword: "Another-password-2" }), request());
    expect(again).toEqual({ ok: false, reason: "invalid_link", error: SET_UP_LINK_INVALID });
    expect(await userRow("ops.two@bank.example")).toEqual(signedInRow);
    expect(await findAccountToSetUp(db(), token)).toBeNull();
  });

  it("answers an expired, a replaced and a wrong link alike — 'This set-up link is no longer valid' — and changes nothing", async () => {
    const expired = await createOperator(
      db(),
      { email: "ops.late@bank.example", name: "Late Operator" },
      new Date(Date.now() - (SET_UP_LINK_HOURS + 1) * 3_600_000),
    );
    const replaced = await createOperator(db(), { email: "ops.twice@bank.example", name: "Twice Operator" });
    const fresh = await createOperator(db(), { email: "ops.twice@bank.example", name: "Twice Operator" });
    expect(fresh.status).toBe("renewed");
    const before = [await userRow("ops.late@bank.example"), await userRow("ops.twice@bank.example")];
    for (const token of [expired.token, replaced.token, wellFormedToken()]) {
      expect(await setUpAccount(db(), form(token), request())).toEqual({ ok: false, reason: "invalid_link", error: SET_UP_LINK_INVALID });
      expect(await findAccountToSetUp(db(), token)).toBeNull();
    }
    expect([await userRow("ops.late@bank.example"), await userRow("ops.twice@bank.example")]).toEqual(before);
    const failures = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "auth.set_up"), eq(auditEvents.outcome, "failure")));
    expect(failures.length).toBeGreaterThanOrEqual(3);
    // The fresh link still works.
    expect((await setUpAccount(db(), form(fresh.token), request())).ok).toBe(true);
  });

  it("issues a fresh link only to an operator not yet set up; refuses one who is, and a customer's member", async () => {
    await createOperator(db(), { email: "ops.done@bank.example", name: "Done Operator" }).then(({ token }) => setUpAccount(db(), form(token), request()));
    await db()
      .insert(users)
      .values({ email: "member@customer.example", name: "A Member", passwordHash: await hashSecret("Member-password-1") });
    const rows = [await userRow("ops.done@bank.example"), await userRow("member@customer.example")];
    await expect(createOperator(db(), { email: "ops.done@bank.example", name: "Done Operator" })).rejects.toMatchObject({ code: "already_set_up" });
    await expect(createOperator(db(), { email: "Member@Customer.example", name: "A Member" })).rejects.toMatchObject({ code: "not_operator" });
    expect([await userRow("ops.done@bank.example"), await userRow("member@customer.example")]).toEqual(rows);
  });

  it("lets two submissions of one link set it up once", async () => {
    const { token } = await createOperator(db(), { email: "ops.race@bank.example", name: "Race Operator" });
    const results = await Promise.all([
      setUpAccount(db(), form(token), request()),
      setUpAccount(db(), form(token, { pin: "517204", confirmPin: "517204" }), request()),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: "invalid_link", error: SET_UP_LINK_INVALID }]);
  });

  it(`stops an address after ${SET_UP_ATTEMPTS_PER_ADDRESS} attempts in 15 minutes, audited — even with the right link; another address is not stopped`, async () => {
    const { token } = await createOperator(db(), { email: "ops.guessed@bank.example", name: "Guessed Operator" });
    const attacker = "198.51.100.77";
    for (let i = 0; i < SET_UP_ATTEMPTS_PER_ADDRESS; i++) expect((await setUpAccount(db(), form(wellFormedToken()), request(attacker))).ok).toBe(false);
    const stopped = await setUpAccount(db(), form(token), request(attacker));
    expect(stopped).toMatchObject({ ok: false, reason: "rate_limited" });
    expect(stopped.ok ? "" : stopped.error).toMatch(/Too many attempts/);
    expect((await userRow("ops.guessed@bank.example")).pinHash).toBeNull();
    const denied = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "auth.set_up"), eq(auditEvents.ip, attacker), eq(auditEvents.outcome, "denied")));
    expect(denied).toHaveLength(1);
    expect((await setUpAccount(db(), form(token), request("203.0.113.5"))).ok).toBe(true);
  });

  it("refuses weak, mismatched, control-character, huge and wrongly typed input with field errors, before the link is looked at", async () => {
    const { token } = await createOperator(db(), { email: "ops.fields@bank.example", name: "Fields Operator" });
    const before = await userRow("ops.fields@bank.example");
    const cases: [Record<string, unknown>, string][] = [
      [{ password: "short-pass1", confirmPassword: "short-pass1" }, "password"],
      [{ password: "x".repeat(201), confirmPassword: "x".repeat(201) }, "password"],
      [{ password: "Nul\u0000-password-1", confirmPassword: "Nul\u0000-password-1" }, "password"],
      [{ confirmPassword: "Different-password-1" }, "confirmPassword"],
      [{ pin: "123456", confirmPin: "123456" }, "pin"],
      [{ pin: "000000", confirmPin: "000000" }, "pin"],
      [{ pin: "654321", confirmPin: "654321" }, "pin"],
      [{ pin: "12345", confirmPin: "12345" }, "pin"],
      [{ pin: "60431\u0000", confirmPin: "60431\u0000" }, "pin"],
      [{ confirmPin: "604318" }, "confirmPin"],
      [{ pin: 604317, confirmPin: 604317 }, "pin"],
      [{ password: ["a"], confirmPassword: ["a"] }, "password"],
      [{ token: `${token}\u0000` }, "token"],
      [{ token: "x".repeat(1_000_000) }, "token"],
      [{ token: 42 }, "token"],
      [{ admin: true }, "form"],
    ];
    for (const [overrides, field] of cases) {
      const result = await setUpAccount(db(), form(token, overrides), request());
      expect(result.ok, JSON.stringify(overrides).slice(0, 80)).toBe(false);
      if (result.ok) continue;
      expect(result.reason).toBe("invalid_input");
      expect(Object.keys(result.fieldErrors ?? {})).toContain(field);
      expect(result.error).toBe(field === "token" || field === "form" ? SET_UP_LINK_INVALID : "Check the highlighted fields.");
    }
    for (const input of [null, undefined, "lksu_", 7, [], { token }]) {
      const result = await setUpAccount(db(), input, request());
      expect(result).toMatchObject({ ok: false, reason: "invalid_input" });
    }
    expect(await userRow("ops.fields@bank.example")).toEqual(before);
    expect(await findAccountToSetUp(db(), token)).not.toBeNull();
    // The same password rule as an invitation's.
    for (const password of ["a".repeat(11), "a".repeat(12), "a".repeat(200), "a".repeat(201)]) {
      const invitation = acceptInvitationSchema.safeParse({ token: `lkinv_${"a".repeat(43)}`, name: "N", password, confirmPassword: password }).success;
      expect(setUpAccountSchema.safeParse(form(token, { password, confirmPassword: password })).success).toBe(invitation);
    }
  });

  it("never throws and never sets anything up on arbitrary input (fuzz)", async () => {
    const { token } = await createOperator(db(), { email: "ops.fuzz@bank.example", name: "Fuzz Operator" });
    const before = await userRow("ops.fuzz@bank.example");
    const field = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.constant(PASSWORD),
      fc.constant(PIN),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.string({ unit: "binary", maxLength: 50 }),
    );
    const input = fc.oneof(
      fc.record(
        { token: fc.oneof(field, fc.constant(wellFormedToken())), password: field, confirmPassword: field, pin: field, confirmPin: field },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(input, async (value) => {
        const result = await setUpAccount(db(), value, request());
        expect(result.ok).toBe(false);
      }),
      { numRuns: 150 },
    );
    expect(await userRow("ops.fuzz@bank.example")).toEqual(before);
    expect(await findAccountToSetUp(db(), token)).not.toBeNull();
  });

  it("refuses a bad address or name for a new operator, NUL and huge values included, creating nobody", async () => {
    const count = async () => (await db().select({ id: users.id }).from(users)).length;
    const before = await count();
    for (const input of [
      { email: "not-an-address", name: "X" },
      { email: "nul\u0000@bank.example", name: "X" },
      { email: `${"a".repeat(300)}@bank.example`, name: "X" },
      { email: "ok@bank.example", name: "Nul\u0000Name" },
      { email: "ok@bank.example", name: "n".repeat(101) },
      { email: "ok@bank.example", name: "" },
      { email: 5, name: "X" },
      { email: "ok@bank.example", name: "X", isOperator: false },
    ]) {
      await expect(createOperator(db(), input)).rejects.toBeInstanceOf(DomainError);
    }
    expect(await count()).toBe(before);
  });
});
