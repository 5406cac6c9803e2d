import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUpAccount } from "@/lib/auth/set-up-account";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { users } from "@/lib/db/schema";
import { freshDatabase, runScript, type FreshDatabase } from "./support/fresh-database";

/** `npm run operator:create`, run as a person runs it, on a migrated database of this test run's kind. */
let database: FreshDatabase;
beforeAll(async () => {
  database = await freshDatabase();
  const migrated = runScript("scripts/db.ts", ["migrate"], database.env());
  expect(migrated.status).toBe(0);
}, 300_000);
afterAll(() => database.dispose());

const operatorCreate = (args: string[]) =>
  runScript(
    "scripts/operator-create.ts",
    database.driver === "pglite" ? [...args, "--embedded"] : args,
    database.env({ AUTH_URL: "https://portal.bank.example" }),
  );
const LINK = /https:\/\/portal\.bank\.example\/set-up\/(lksu_[A-Za-z0-9_-]{43})/;

describe("npm run operator:create", () => {
  it("makes an operator who sets up through the printed link and then signs in", async () => {
    const created = operatorCreate(["--email", "First.Operator@Bank.example", "--name", "Zanele Mokoena"]);
    expect(created.stderr).toBe("");
    expect(created.status).toBe(0);
    expect(created.stdout).toContain("Bank operator first.operator@bank.example created, with no password yet.");
    expect(created.stdout).toMatch(/It works once, for 24 hours/);
    const token = LINK.exec(created.stdout)?.[1];
    expect(token).toBeDefined();

    const result = await database.use(async (db) => {
      const setUp = await setUpAccount(
        db,
        { token, password: "Zanele-chooses-1", confirmPassword: "Zanele-chooses-1", pin: "739150", confirmPin: "739150" },
        { ip: "127.0.0.1", requestId: "33333333-3333-4333-8333-333333333333" },
      );
      const signIn = await signInWithPassword(db, {
        email: "first.operator@bank.example",
        password: "Zanele-chooses-1",
        ip: "127.0.0.1",
        userAgent: "vitest",
        requestId: "33333333-3333-4333-8333-333333333333",
      });
      const [user] = await db.select().from(users).where(eq(users.email, "first.operator@bank.example"));
      return { setUp, signedIn: signIn.ok, user };
    });
    expect(result.setUp).toEqual({ ok: true, email: "first.operator@bank.example" });
    expect(result.signedIn).toBe(true);
    expect(result.user).toMatchObject({ isOperator: true, name: "Zanele Mokoena", setUpTokenHash: null });

    // Set up now: asked again, the command refuses and changes nothing.
    const again = operatorCreate(["--email", "first.operator@bank.example"]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("first.operator@bank.example is a bank operator who has already set a password and PIN. Nothing was changed.");
    expect(again.stdout).not.toMatch(LINK);
  }, 300_000);

  it("gives an operator not yet set up a fresh link that replaces the old one", async () => {
    const first = LINK.exec(operatorCreate(["--email", "second@bank.example"]).stdout)?.[1];
    const second = operatorCreate(["--email", "second@bank.example"]);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("A fresh set-up link for second@bank.example, who has not set up yet; the previous link no longer works.");
    const fresh = LINK.exec(second.stdout)?.[1];
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(first);
    const user = await database.use(async (db) => (await db.select().from(users).where(eq(users.email, "second@bank.example")))[0]);
    expect(user?.name).toBe("second");
    expect(JSON.stringify(user)).not.toContain(fresh);
  }, 300_000);

  it("refuses without an address, with an unknown option or a bad address, and on the embedded database without --embedded", async () => {
    expect(runScript("scripts/operator-create.ts", [], database.env()).status).toBe(2);
    const unknown = operatorCreate(["--email", "x@bank.example", "--admin"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Usage: npm run operator:create");
    const bad = operatorCreate(["--email", "not an address"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("Enter a valid email address");
    if (database.driver === "pglite") {
      const embedded = runScript("scripts/operator-create.ts", ["--email", "x@bank.example"], database.env());
      expect(embedded.status).toBe(2);
      expect(embedded.stderr).toContain("stop the server first, then run it again with --embedded");
    } else {
      // On PostgreSQL the servers may keep running: no flag is needed.
      expect(runScript("scripts/operator-create.ts", ["--email", "third@bank.example"], database.env()).status).toBe(0);
    }
  }, 300_000);
});
