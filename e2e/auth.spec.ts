import { test, type Browser, type Page } from "@playwright/test";
import { DEMO_PEOPLE } from "@/lib/demo/people";
import { expect, formAlert, screenshot, signIn } from "./support/fixtures";
import { E2E_NEWCOMERS, E2E_PASSWORD, E2E_SESSION_PEOPLE, E2E_SESSION_PIN } from "./support/people";

test.describe("signing in", () => {
  test("a signed-out visitor is sent to sign in, then back to the page they asked for", async ({ page }) => {
    await page.goto("/members");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fmembers$/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await screenshot(page, "sign-in");
    await page.getByLabel("Email").fill("naledi@acme.example");
    await page.getByLabel("Password").fill("Latchkey-demo-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/members$/);
    await expect(page.getByRole("heading", { name: "Members", level: 1 })).toBeVisible();
    await expect(page.getByRole("cell", { name: "aisha@acme.example" })).toBeVisible();
  });

  test("a wrong password and an unknown email get the same message, and no session", async ({ page }) => {
    await signIn(page, "pieter@acme.example", "wrong-password");
    await expect(formAlert(page)).toHaveText("The email or password is incorrect.");
    await expect(page).toHaveURL(/\/sign-in/);
    await screenshot(page, "sign-in-wrong-password");
    await signIn(page, "nobody@acme.example", "Latchkey-demo-1");
    await expect(formAlert(page)).toHaveText("The email or password is incorrect.");
    await page.goto("/keys");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("empty and malformed fields are named before anything is sent", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Enter your email address")).toBeVisible();
    await expect(page.getByText("Enter your password")).toBeVisible();
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Enter a valid email address")).toBeVisible();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  });

  test("credentials can never end up in a URL, even before the page's JavaScript runs", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await expect(page.locator("form").first()).toHaveAttribute("method", "post");
    await page.getByLabel("Email").fill("naledi@acme.example");
    await page.getByLabel("Password").fill("Latchkey-demo-1");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeDisabled();
    await page.getByLabel("Password").press("Enter");
    expect(page.url()).not.toContain("Latchkey-demo-1");
    await context.close();
  });

  test("every demo sign-in printed by npm start works", async ({ page }) => {
    test.setTimeout(180_000);
    for (const person of DEMO_PEOPLE) {
      await page.context().clearCookies();
      await signIn(page, person.email);
      if (person.operator) {
        await expect(page).toHaveURL(/\/ops$/);
        await expect(page.getByRole("heading", { name: "Organisations" })).toBeVisible();
      } else {
        await expect(page).toHaveURL(/\/keys$/);
        await expect(page.getByRole("complementary").getByText(person.name)).toBeVisible();
      }
    }
  });
});

test.describe("first sign-in", () => {
  test("a member without a PIN must set one before anything else", async ({ page }) => {
    await signIn(page, E2E_NEWCOMERS[0]!, E2E_PASSWORD);
    await expect(page).toHaveURL(/\/set-pin$/);
    await expect(page.getByRole("heading", { name: "Set your PIN" })).toBeVisible();
    await screenshot(page, "set-pin");

    // Nothing else opens until the PIN is set.
    for (const path of ["/keys", "/members", "/settings"]) {
      await page.goto(path);
      await expect(page).toHaveURL(/\/set-pin$/);
    }

    await page.getByLabel("New PIN").fill("123456");
    await page.getByLabel("Repeat the PIN").fill("123456");
    await page.getByRole("button", { name: "Set PIN and continue" }).click();
    await expect(page.getByText("A PIN of consecutive digits is too easy to guess")).toBeVisible();

    await page.getByLabel("New PIN").fill("482915");
    await page.getByLabel("Repeat the PIN").fill("482916");
    await page.getByRole("button", { name: "Set PIN and continue" }).click();
    await expect(page.getByText("The two PINs do not match")).toBeVisible();
    await screenshot(page, "set-pin-errors");

    await page.getByLabel("Repeat the PIN").fill("482915");
    await page.getByRole("button", { name: "Set PIN and continue" }).click();
    await expect(page).toHaveURL(/\/keys$/);
    await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
    await page.goto("/set-pin");
    await expect(page).toHaveURL(/\/keys$/);
  });
});

test.describe("the signed-in portal", () => {
  test("shows the member, role and organisation in a sidebar of the portal's sections", async ({ page }) => {
    await signIn(page, "pieter@acme.example");
    await expect(page).toHaveURL(/\/keys$/);
    const sidebar = page.getByRole("complementary");
    await expect(sidebar.getByText("Pieter van Wyk")).toBeVisible();
    await expect(sidebar.getByText("Admin · Acme Holdings")).toBeVisible();
    const nav = page.getByRole("navigation", { name: "Main" });
    for (const name of ["API keys", "Credentials", "Members", "Payment approvals", "Audit log", "Settings"]) {
      await expect(nav.getByRole("link", { name })).toBeVisible();
    }
    await expect(nav.getByRole("link", { name: "API keys" })).toHaveAttribute("aria-current", "page");
    await screenshot(page, "shell-keys");

    await nav.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("link", { name: /API keys Create, renew/ }).click();
    await expect(page).toHaveURL(/\/settings\/developer\/api-keys$/);

    await nav.getByRole("link", { name: "Audit log" }).click();
    await expect(page.getByRole("cell", { name: "Signed in" }).first()).toBeVisible();
    await screenshot(page, "shell-audit");
  });

  test("switches organisation and shows what Pending Ventures still lacks", async ({ page }) => {
    await signIn(page, "pieter@acme.example");
    await page.getByRole("button", { name: /Switch organisation/ }).click();
    await page.getByRole("menuitem", { name: /Pending Ventures/ }).click();
    await expect(page.getByRole("complementary").getByText("Admin · Pending Ventures")).toBeVisible();
    await expect(page.getByText("The bank has not yet approved your organisation's onboarding.")).toBeVisible();
    await expect(page.getByText("No API product has been enabled for your organisation yet.")).toBeVisible();
    await screenshot(page, "shell-pending-ventures");
  });

  test("the viewer is told what their role does not include", async ({ page }) => {
    await signIn(page, "aisha@acme.example");
    await page.getByRole("link", { name: "Credentials" }).click();
    await expect(page.getByText("Your role (Viewer) does not include client credentials: you see each application’s keys.")).toBeVisible();
    await expect(page.getByText(/lkci_/)).toHaveCount(0);
  });

  test("the operator sees every organisation's onboarding status", async ({ page }) => {
    await signIn(page, "ops@bank.example");
    await expect(page).toHaveURL(/\/ops$/);
    const row = page.getByRole("row", { name: /Pending Ventures/ });
    await expect(row.getByText("Pending", { exact: true })).toBeVisible();
    await expect(page.getByRole("row", { name: /Acme Holdings/ }).getByText("Approved")).toBeVisible();
    await screenshot(page, "ops");
    await page.goto("/keys");
    await expect(page).toHaveURL(/\/ops$/);
  });
});

test.describe("signing out", () => {
  test("ends the session on the server: the old cookie opens nothing afterwards", async ({ page, browser }) => {
    await signIn(page, "sipho@acme.example");
    await expect(page).toHaveURL(/\/keys$/);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name.includes("session-token"))?.httpOnly).toBe(true);
    expect(cookies.find((c) => c.name.includes("session-token"))?.sameSite).toBe("Lax");

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.goto("/keys");
    await expect(page).toHaveURL(/\/sign-in/);

    // A copy of the cookie taken before signing out is refused too.
    const replay = await browser.newContext();
    await replay.addCookies(cookies);
    const other = await replay.newPage();
    await other.goto("/members");
    await expect(other).toHaveURL(/\/sign-in/);
    await replay.close();
  });
});

const FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

/** One person signed in on several devices: browser contexts with their own cookies and user agents. */
async function devices(browser: Browser, email: string, userAgents: (string | undefined)[] = [undefined, FIREFOX_WINDOWS]) {
  const pages: Page[] = [];
  for (const userAgent of userAgents) {
    const page = await (await browser.newContext({ userAgent })).newPage();
    await signIn(page, email, E2E_PASSWORD);
    await expect(page).toHaveURL(/\/keys$/, { timeout: 30_000 });
    pages.push(page);
  }
  return { here: pages[0]!, there: pages[1]!, pages, close: () => Promise.all(pages.map((p) => p.context().close())) };
}

test.describe("sessions", () => {
  // Several browsers, each signing in: more than one page's worth of time on a busy machine.
  test.setTimeout(180_000);

  test("signing out of all other sessions with the PIN sends the other browser to sign in and keeps this one", async ({ browser }) => {
    const { here, there, pages, close } = await devices(browser, E2E_SESSION_PEOPLE[0]!, [undefined, FIREFOX_WINDOWS, SAFARI_IPHONE]);
    const phone = pages[2]!;

    // The account menu leads to the sessions.
    await here.getByRole("link", { name: "Your sign-in and sessions" }).click();
    await expect(here).toHaveURL(/\/settings#sessions$/);
    const list = here.getByRole("list", { name: "Your sessions" });
    await expect(list.getByRole("listitem")).toHaveCount(3);
    await expect(list.getByRole("listitem").first()).toContainText("This device");
    await expect(list.getByRole("listitem").first()).toContainText("Active now");
    await expect(list.getByRole("listitem").filter({ hasText: "Firefox on Windows" })).toContainText(/Last active/);
    await expect(list.getByRole("listitem").filter({ hasText: "Safari on iOS" })).toBeVisible();
    await screenshot(here, "settings-sessions");
    await here.setViewportSize({ width: 390, height: 844 });
    await screenshot(here, "settings-sessions-390");
    await here.setViewportSize({ width: 1280, height: 860 });

    await here.getByRole("button", { name: "Sign out of all other sessions" }).click();
    const dialog = here.getByRole("dialog", { name: "Sign out of all other sessions" });
    await expect(dialog).toContainText("All 2 other sessions end at once");
    await dialog.getByLabel("Your 6-digit PIN").fill("111333");
    await expect(dialog.getByRole("alert")).toContainText("Wrong PIN. 4 tries left");
    await dialog.getByLabel("Your 6-digit PIN").fill(E2E_SESSION_PIN);
    await expect(here.getByText("Signed out of 2 other sessions")).toBeVisible();
    await expect(list.getByRole("listitem")).toHaveCount(1);
    await expect(here.getByRole("button", { name: "Sign out of all other sessions" })).toBeDisabled();

    // The others are sent to sign in on their next navigation; this browser stays signed in.
    for (const other of [there, phone]) {
      await other.goto("/members");
      await expect(other).toHaveURL(/\/sign-in/);
    }
    await here.goto("/keys");
    await expect(here).toHaveURL(/\/keys$/);
    await expect(here.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
    await close();
  });

  test("changing the PIN ends the other sessions, refuses a trivial PIN, and the new PIN is the one asked for next", async ({ browser }) => {
    const { here, there, close } = await devices(browser, E2E_SESSION_PEOPLE[1]!);
    await here.goto("/settings");

    await here.getByRole("button", { name: "Change PIN" }).click();
    const form = here.getByRole("dialog", { name: "Change your PIN" });
    await form.getByLabel("New PIN", { exact: true }).fill("123456");
    await form.getByLabel("Repeat the new PIN").fill("123456");
    await form.getByRole("button", { name: "Continue" }).click();
    await expect(form.getByText("A PIN of consecutive digits is too easy to guess")).toBeVisible();
    await form.getByLabel("New PIN", { exact: true }).fill("264813");
    await form.getByLabel("Repeat the new PIN").fill("264813");
    await form.getByRole("button", { name: "Continue" }).click();
    const confirm = here.getByRole("dialog", { name: "Confirm with your current PIN" });
    await confirm.getByLabel("Your 6-digit PIN").fill(E2E_SESSION_PIN);
    await expect(here.getByText("PIN changed; 1 other session ended")).toBeVisible();

    await there.goto("/keys");
    await expect(there).toHaveURL(/\/sign-in/);

    // The old PIN no longer confirms anything; the new one does (changing it back).
    await here.getByRole("button", { name: "Change PIN" }).click();
    await form.getByLabel("New PIN", { exact: true }).fill(E2E_SESSION_PIN);
    await form.getByLabel("Repeat the new PIN").fill(E2E_SESSION_PIN);
    await form.getByRole("button", { name: "Continue" }).click();
    await confirm.getByLabel("Your 6-digit PIN").fill(E2E_SESSION_PIN);
    await expect(confirm.getByRole("alert")).toContainText("Wrong PIN");
    await confirm.getByLabel("Your 6-digit PIN").fill("264813");
    await expect(here.getByText("PIN changed", { exact: true })).toBeVisible();
    await close();
  });

  test("changing the password ends the other sessions and the new password signs in", async ({ browser }) => {
    const email = E2E_SESSION_PEOPLE[2]!;
    const { here, there, close } = await devices(browser, email);
    await here.goto("/settings");
    const next = "Another-e2e-password-2";

    await here.getByRole("button", { name: "Change password" }).click();
    const dialog = here.getByRole("dialog", { name: "Change your password" });
    await dialog.getByLabel("Current password").fill("not my password");
    await dialog.getByLabel("New password", { exact: true }).fill(next);
    await dialog.getByLabel("Repeat the new password").fill(next);
    await dialog.getByRole("button", { name: "Change password" }).click();
    await expect(dialog.getByText("That is not your current password")).toBeVisible();
    await dialog.getByLabel("Current password").fill(E2E_PASSWORD);
    await dialog.getByRole("button", { name: "Change password" }).click();
    await expect(here.getByText("Password changed; 1 other session ended")).toBeVisible();

    await there.goto("/keys");
    await expect(there).toHaveURL(/\/sign-in/);
    await signIn(there, email, E2E_PASSWORD);
    await expect(formAlert(there)).toContainText("The email or password is incorrect.");
    await signIn(there, email, next);
    await expect(there).toHaveURL(/\/keys$/);
    await close();
  });
});
