import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { setInitialPin } from "@/lib/auth/set-pin";
import { auditEvents, users } from "@/lib/db/schema";
import { createOrganisation } from "@/lib/organisations/create-organisation";
import { memberships } from "@/lib/db/schema";
import { pinSchema, trivialPinReason } from "@/lib/schemas/auth";
import { hashSecret, verifySecret } from "@/lib/security/hashing";
import { actorFor, context, db } from "@/lib/test/helpers";

describe("PIN rules", () => {
  it.each(["000000", "999999", "123456", "654321", "012345", "987654", "121212", "123123", "112211"])("refuses the trivial PIN %s", (pin) => {
    expect(trivialPinReason(pin)).not.toBeNull();
    expect(pinSchema.safeParse(pin).success).toBe(false);
  });

  it.each(["482915", "731904", "264817", "905318"])("accepts %s", (pin) => {
    expect(trivialPinReason(pin)).toBeNull();
    expect(pinSchema.safeParse(pin).success).toBe(true);
  });

  it.each(["12345", "1234567", "12a456", " 48291", "", "４８２９１５"])("refuses %j: not exactly 6 digits", (pin) => {
    expect(pinSchema.safeParse(pin).success).toBe(false);
  });
});

describe("setting the first PIN", () => {
  const email = "newcomer@pin.example";
  beforeAll(async () => {
    const org = await createOrganisation(db(), { name: "PIN Test Org", kind: "private", status: "approved", products: [] });
    const [user] = await db()
      .insert(users)
      .values({ email, name: "New Comer", passwordHash: await hashSecret("irrelevant") })
      .returning({ id: users.id });
    await db().insert(memberships).values({ orgId: org.id, userId: user!.id, roleId: org.roleIds.viewer });
  });

  async function pinHash() {
    const [row] = await db().select({ pinHash: users.pinHash }).from(users).where(eq(users.email, email));
    return row!.pinHash;
  }

  it("refuses a trivial PIN with a field error and stores nothing", async () => {
    const actor = await actorFor(email);
    expect(actor.user.hasPin).toBe(false);
    const result = await setInitialPin(db(), actor, { pin: "123456", confirmPin: "123456" }, context);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors?.pin).toMatch(/consecutive/);
    expect(await pinHash()).toBeNull();
  });

  it("refuses two different PINs, naming the confirmation field", async () => {
    const result = await setInitialPin(db(), await actorFor(email), { pin: "482915", confirmPin: "482916" }, context);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors?.confirmPin).toBe("The two PINs do not match");
    expect(await pinHash()).toBeNull();
  });

  it("refuses extra fields (mass assignment)", async () => {
    const result = await setInitialPin(db(), await actorFor(email), { pin: "482915", confirmPin: "482915", isOperator: true }, context);
    expect(result.ok).toBe(false);
    expect(await pinHash()).toBeNull();
  });

  it("stores an Argon2id hash, audits it, and refuses to set it a second time", async () => {
    const actor = await actorFor(email);
    expect(await setInitialPin(db(), actor, { pin: "482915", confirmPin: "482915" }, context)).toEqual({ ok: true });
    const stored = await pinHash();
    expect(stored).toMatch(/^\$argon2id\$/);
    expect(await verifySecret(stored!, "482915")).toBe(true);
    const events = await db().select().from(auditEvents).where(eq(auditEvents.action, "auth.pin_set"));
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events[0])).not.toContain("482915");

    const again = await setInitialPin(db(), await actorFor(email), { pin: "905318", confirmPin: "905318" }, context);
    expect(again).toEqual({ ok: false, error: "Your PIN is already set." });
    expect(await verifySecret((await pinHash())!, "482915")).toBe(true);
  });
});
