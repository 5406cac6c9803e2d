import { randomBytes } from "node:crypto";
import { test, type Page } from "@playwright/test";
import { expect, fixtures, screenshot, signIn } from "./support/fixtures";

/** The operator e2e/support/prepare.ts made with `npm run operator:create`, and the link it printed. */
const setUp = () => (fixtures() as unknown as { setUp: { email: string; name: string; link: string } }).setUp;
const PASSWORD = "Sizwe-operator-1";
const PIN = "581036";

async function both(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1360, height: 860 });
}

test("an operator made by operator:create chooses a password and PIN through the link, signs in, and the link is spent", async ({ page }) => {
  const { email, link } = setUp();
  const path = new URL(link).pathname;
  await page.goto(path);
  await expect(page.getByRole("heading", { name: "Set up your sign-in" })).toBeVisible();
  await expect(page.getByText("Welcome, Sizwe")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await both(page, "set-up");

  // Weak choices are refused, field by field.
  await page.getByLabel("Choose a password").fill("too-short");
  await page.getByLabel("Repeat the password").fill("too-short");
  await page.getByLabel("Choose a PIN").fill("123456");
  await page.getByLabel("Repeat the PIN").fill("123456");
  await page.getByRole("button", { name: "Set password and PIN" }).click();
  await expect(page.getByText("Use at least 12 characters")).toBeVisible();
  await expect(page.getByText("A PIN of consecutive digits is too easy to guess")).toBeVisible();
  await expect(page.getByLabel("Choose a PIN")).toHaveAttribute("aria-invalid", "true");
  await both(page, "set-up-errors");

  // By keyboard alone: each field in turn, then Enter.
  await page.getByLabel("Choose a password").focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Tab");
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Tab");
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type(PIN);
  await page.keyboard.press("Tab");
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type(PIN);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Your password and PIN are set." })).toBeVisible();
  await both(page, "set-up-done");
  await page.getByRole("link", { name: "Continue to sign in" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await signIn(page, email, PASSWORD);
  // A PIN is set: straight to the operator area, not to the PIN set-up.
  await expect(page).toHaveURL(/\/ops$/);

  // Used once: the link now says only that it is no longer valid.
  await page.goto(path);
  await expect(page.getByRole("heading", { name: "This set-up link is no longer valid" })).toBeVisible();
  await expect(page.getByLabel("Choose a password")).toHaveCount(0);
});

test("a wrong, mangled or unknown set-up link says only that it is no longer valid, signed out", async ({ page }) => {
  for (const token of [`lksu_${randomBytes(32).toString("base64url")}`, "lksu_short", "%00", "x".repeat(3000)]) {
    await page.goto(`/set-up/${token}`);
    await expect(page).toHaveURL(/\/set-up\//);
    await expect(page.getByRole("heading", { name: "This set-up link is no longer valid" })).toBeVisible();
    await expect(page.getByText("Ask whoever sent it for a new link.")).toBeVisible();
  }
  await both(page, "set-up-invalid");
});
