import { readFileSync } from "node:fs";
import { expect, type Locator, type Page } from "@playwright/test";
import { DEMO_PASSWORD, DEMO_PEOPLE } from "@/lib/demo/people";

/** A demo person's PIN. */
export const pin = (email: string) => DEMO_PEOPLE.find((p) => p.email === email)!.pin;

export interface Fixtures {
  applications: { organisation: string; name: string; clientId: string; clientSecret: string }[];
  keys: Record<"token" | "burst" | "midSession", { key: string; accountId: string }> & Record<string, { key: string; accountId: string } | undefined>;
}

/** The seeded client secrets and the API keys with known secrets that prepare.ts wrote. */
export function fixtures(): Fixtures {
  return JSON.parse(readFileSync(process.env.E2E_FIXTURES!, "utf8")) as Fixtures;
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in and waits until the portal (or the PIN set-up) has opened. */
export async function signInAs(page: Page, email: string, password = DEMO_PASSWORD) {
  await signIn(page, email, password);
  await expect(page).not.toHaveURL(/\/sign-in/);
}

/** Screenshots are kept with the test results (test-results/screenshots), to be looked at. */
export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

/** The form's own alert (Next renders a route announcer with role=alert too). */
export function formAlert(page: Page) {
  return page.locator("form").getByRole("alert");
}

export { expect };

/** Everything the end-to-end server has printed so far. */
export function serverLog(): string {
  const file = process.env.E2E_SERVER_LOG;
  if (!file) throw new Error("E2E_SERVER_LOG is not set: the server log is not being captured");
  return readFileSync(file, "utf8");
}

/** Presses Tab until `target` has focus, as a keyboard user would. */
export async function tabTo(page: Page, target: Locator, presses = 60) {
  for (let i = 0; i < presses; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error("could not reach the element with Tab");
}

/** The wizard's first two steps the quickest way (signed in): `alias`, Acme Retail's live ZAR account. */
export async function startAcmeRetailKey(page: Page, alias: string) {
  await page.goto("/keys/new");
  await page.getByLabel("Alias").fill(alias);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Acme Retail (Pty) Ltd").check();
  await page.getByRole("checkbox", { name: /Acme Retail ZAR operating/ }).check();
  await page.getByRole("button", { name: "Continue" }).click();
}

/** From the review step: creates the key with `email`'s PIN, keeps its secret, and lands on its page. */
export async function createReviewedKey(page: Page, email: string, alias: string): Promise<string> {
  await page.getByRole("button", { name: "Create key" }).click();
  await page.getByLabel("Your 6-digit PIN").fill(pin(email));
  const modal = page.getByRole("dialog", { name: `“${alias}” is ready` });
  const secret = (await modal.getByTestId("new-secret").textContent())!.trim();
  await modal.getByLabel("I have stored this key somewhere safe").check();
  await modal.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("heading", { level: 1, name: alias })).toBeVisible();
  return secret;
}
