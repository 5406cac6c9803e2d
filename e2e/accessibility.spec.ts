import { test, type Page } from "@playwright/test";
import { E2E_NEWCOMERS, E2E_PASSWORD } from "./support/people";
import { expectAccessible, expectEveryWidth, expectNoSidewaysScroll } from "./support/a11y";
import { expect, signInAs } from "./support/fixtures";

/**
 * Every page of the portal, as the person who sees most of it: axe-core (WCAG 2.2 AA and best
 * practices) finds no violation, and at 320, 390, 640, 1280 and 1920 px the page never scrolls
 * sideways and its primary action can be reached and clicked.
 */

async function sweep(page: Page, path: string, name: string, heading: string | RegExp, primary?: (page: Page) => ReturnType<Page["getByRole"]>) {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  await expectAccessible(page, path);
  await expectEveryWidth(page, `a11y-${name}`, primary ? () => primary(page) : undefined);
}

test.describe("every page is accessible and works at every width", () => {
  test("signed out: sign-in and spent links", async ({ page }) => {
    await sweep(page, "/sign-in", "sign-in", "Sign in", (p) => p.getByRole("button", { name: "Sign in" }));
    await sweep(page, "/set-up/lkset_unknown", "set-up-spent", /no longer valid/);
    await sweep(page, "/invite/lkinv_unknown", "invite-spent", "This invitation cannot be used");
  });

  test("a newcomer's PIN set-up", async ({ page }) => {
    await signInAs(page, E2E_NEWCOMERS[1]!, E2E_PASSWORD);
    await expect(page).toHaveURL(/\/set-pin$/);
    await sweep(page, "/set-pin", "set-pin", "Set your PIN", (p) => p.getByRole("button", { name: "Set PIN and continue" }));
  });

  test("the Acme Superadmin's portal", async ({ page }) => {
    test.slow();
    await signInAs(page, "naledi@acme.example");
    await sweep(page, "/keys", "keys", "API keys", (p) => p.getByRole("link", { name: "Create key" }));
    await sweep(page, "/keys?q=zzzz-nothing", "keys-empty-search", "API keys");
    await page.goto("/keys");
    const first = page.getByRole("table", { name: "API keys" }).getByRole("link").first();
    const keyPath = (await first.getAttribute("href"))!;
    await sweep(page, keyPath, "key", /./, (p) => p.getByRole("button", { name: "Regenerate" }));
    await sweep(page, "/keys/new", "wizard-details", "Create an API key", (p) => p.getByRole("button", { name: "Continue" }));
    await sweep(page, "/credentials", "credentials", "Credentials");
    await page.goto("/credentials");
    const application = page.getByRole("link", { name: "ERP integration" }).first();
    await sweep(page, (await application.getAttribute("href"))!, "application", "ERP integration");
    await sweep(page, "/members", "members", "Members", (p) => p.getByRole("button", { name: "Invite member" }));
    await sweep(page, "/payments", "payments", /Payment approvals/);
    await sweep(page, "/audit", "audit", "Audit log", (p) => p.getByRole("link", { name: /Export CSV/ }));
    await sweep(page, "/docs", "docs", /API/);
    await sweep(page, "/settings", "settings", "Settings");
    // Signed out, an unknown address goes to the sign-in page; signed in, it is not found.
    await sweep(page, "/no-such-page", "not-found", "This page does not exist");
  });

  test("a Viewer, Pending Ventures and the operator", async ({ page, browser }) => {
    await signInAs(page, "aisha@acme.example");
    await sweep(page, "/keys", "keys-viewer", "API keys");
    const pendingContext = await browser.newContext();
    const pending = await pendingContext.newPage();
    await signInAs(pending, "kagiso@pending.example");
    await sweep(pending, "/keys", "keys-pending", "API keys");
    await pendingContext.close();
    const opsContext = await browser.newContext();
    const ops = await opsContext.newPage();
    await signInAs(ops, "ops@bank.example");
    await sweep(ops, "/ops", "ops", /Organisations/);
    await sweep(ops, "/ops/outbox", "ops-outbox", "E-mail outbox");
    await opsContext.close();
  });

  test("menus, popovers and the account dialogs, on a phone and a desktop", async ({ page }) => {
    await signInAs(page, "pieter@acme.example");
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 844 });
      await page.goto("/keys");
      await expect(page.getByRole("heading", { level: 1, name: "API keys" })).toBeVisible();

      // The bell's panel fits the window.
      await page.getByRole("button", { name: /^Notifications:/ }).click();
      await expect(page.getByRole("dialog", { name: "Notifications" })).toBeVisible();
      await expectAccessible(page, `the notifications at ${width} px`);
      await expectNoSidewaysScroll(page, `the notifications at ${width} px`);
      await page.keyboard.press("Escape");
      await expect(page.getByRole("button", { name: /^Notifications:/ })).toBeFocused();

      // The organisation switcher (in the drawer on a phone).
      if (width < 1024) await page.getByRole("button", { name: "Menu" }).click();
      await page.getByRole("button", { name: /Switch organisation/ }).click();
      await expect(page.getByRole("menu")).toBeVisible();
      await expectAccessible(page, `the organisation switcher at ${width} px`);
      await expectNoSidewaysScroll(page, `the organisation switcher at ${width} px`);
      await page.keyboard.press("Escape");
      await expect(page.getByRole("menu")).toBeHidden();
    }

    await page.goto("/settings");
    for (const name of ["Change PIN", "Change password"]) {
      const trigger = page.getByRole("button", { name, exact: true });
      await trigger.click();
      await expect(page.getByRole("dialog")).toBeVisible();
      await expectAccessible(page, `the ${name} dialog`);
      await page.keyboard.press("Escape");
      await expect(page.getByRole("dialog")).toBeHidden();
      await expect(trigger, `closing ${name} returns focus to its button`).toBeFocused();
    }
  });
});
