import { readFileSync } from "node:fs";
import { expect, type Page } from "@playwright/test";
import { DEMO_PASSWORD } from "@/lib/demo/people";

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
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
