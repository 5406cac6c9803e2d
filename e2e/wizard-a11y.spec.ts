import { test, type Page } from "@playwright/test";
import { expectAccessible, expectNoSidewaysScroll } from "./support/a11y";
import { expect, screenshot, signIn } from "./support/fixtures";

/**
 * The key wizard for people who do not use a mouse or a wide screen: refused steps say why and put
 * focus on the problem, every step fits 320 px, the preset picker works from the keyboard, and the
 * chosen preset, application filter and page stay visible in forced colours.
 */

const allPresets = (page: Page) => page.getByRole("radiogroup", { name: "Preset for all products" });
const groupPresets = (page: Page, group: string) => page.getByRole("radiogroup", { name: `${group} preset` });
const cont = (page: Page) => page.getByRole("button", { name: "Continue" });

/** Axe on the step as it is, then every width down to 320 px without sideways scroll. */
async function checkStep(page: Page, name: string) {
  await expectAccessible(page, name);
  await page.setViewportSize({ width: 320, height: 844 });
  await expectNoSidewaysScroll(page, `${name} at 320 px`);
  await screenshot(page, `${name}-320`);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoSidewaysScroll(page, `${name} at 390 px`);
  await page.setViewportSize({ width: 1360, height: 860 });
}

async function openWizard(page: Page) {
  await signIn(page, "naledi@acme.example");
  await expect(page).toHaveURL(/\/keys$/);
  await page.goto("/keys/new");
  await expect(page.getByRole("heading", { name: "Name the key" })).toBeVisible();
  await expect(cont(page)).toBeEnabled();
}

test("the wizard: refused steps point at the problem, every step fits 320 px, presets by keyboard, forced colours", async ({ page }) => {
  test.slow();
  await openWizard(page);

  // Where the person is: the full row when wide, one line when narrow.
  const steps = page.getByRole("list", { name: "Steps" });
  await expect(steps.getByRole("listitem").nth(0)).toHaveAttribute("aria-current", "step");
  await page.setViewportSize({ width: 320, height: 844 });
  await expect(steps).toBeHidden();
  await expect(page.getByText("Step 1 of 4 · Name the key")).toBeVisible();
  await expectNoSidewaysScroll(page, "details at 320 px");
  await page.setViewportSize({ width: 1360, height: 860 });

  await page.getByLabel("Alias").fill("Accessible walk");
  await page.getByLabel("Application").selectOption({ label: "Treasury bot" });
  await cont(page).click();

  // Access, with nothing chosen: the error is an alert that describes its group, and focus goes to
  // the group (no company is chosen yet, so it has no accounts to mark).
  await expect(page.getByRole("heading", { name: "Choose what it can reach" })).toBeVisible();
  await expect(steps.getByRole("listitem").nth(0)).toContainText("Details (completed)");
  await expect(steps.getByRole("listitem").nth(1)).toHaveAttribute("aria-current", "step");
  await cont(page).click();
  const alert = page.locator("form").getByRole("alert");
  await expect(alert).toHaveText("Choose at least one account");
  const accounts = page.getByRole("group", { name: "Live accounts" });
  await expect(accounts).toHaveAccessibleDescription("Choose at least one account");
  await expect(accounts).toBeFocused();
  await checkStep(page, "wizard-a11y-2-access-error");

  // With a company but no account: the accounts are marked invalid, and focus lands on the first.
  const retail = page.getByRole("checkbox", { name: "Acme Retail (Pty) Ltd" });
  await retail.check();
  const firstAccount = accounts.getByRole("checkbox").first();
  await expect(firstAccount).toHaveAttribute("aria-invalid", "true");
  await cont(page).click();
  await expect(alert).toHaveText("Choose at least one account");
  await expect(firstAccount).toBeFocused();
  for (const box of await accounts.getByRole("checkbox").all()) await expect(box).toHaveAttribute("aria-invalid", "true");
  await expect(retail).not.toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "wizard access, accounts refused");
  await page.getByRole("checkbox", { name: /Acme Retail ZAR operating/ }).check();
  await expect(firstAccount).not.toHaveAttribute("aria-invalid", "true");
  await cont(page).click();

  // Permissions, with nothing chosen: the same.
  await expect(page.getByRole("heading", { name: "Choose what it may do" })).toBeVisible();
  await checkStep(page, "wizard-a11y-3-permissions");
  await cont(page).click();
  const permissionsError = page.locator("#permissions-error");
  await expect(permissionsError).toHaveRole("alert");
  const errorText = (await permissionsError.textContent())!;
  expect(errorText.length).toBeGreaterThan(5);
  await expect(page.getByRole("table", { name: "Key permissions" })).toHaveAccessibleDescription(errorText);
  const viewDetails = page.getByRole("checkbox").first();
  await expect(viewDetails).toHaveAttribute("aria-invalid", "true");
  await expect(viewDetails).toBeFocused();
  // Products the organisation has not enabled are disabled, not invalid.
  for (const box of await page.getByRole("checkbox", { disabled: true }).all()) await expect(box).not.toHaveAttribute("aria-invalid", "true");
  await checkStep(page, "wizard-a11y-3-permissions-error");

  // The preset picker from the keyboard: one tab stop, arrow keys choose, the choice carries a check mark.
  const readOnly = allPresets(page).getByRole("radio", { name: "Read-only" });
  await readOnly.focus();
  await page.keyboard.press("Space");
  await expect(readOnly).toHaveAttribute("aria-checked", "true");
  await expect(readOnly.locator("svg")).toBeVisible();
  await expect(viewDetails).not.toHaveAttribute("aria-invalid", "true");
  await expect(permissionsError).toHaveCount(0);
  await page.keyboard.press("ArrowRight");
  const write = allPresets(page).getByRole("radio", { name: "Write" });
  await expect(write).toBeFocused();
  await expect(write).toHaveAttribute("aria-checked", "true");
  await expect(write.locator("svg")).toBeVisible();
  await expect(readOnly).toHaveAttribute("aria-checked", "false");
  await expect(readOnly.locator("svg")).toHaveCount(0);
  await page.keyboard.press("End");
  await expect(allPresets(page).getByRole("radio", { name: "Full access" })).toHaveAttribute("aria-checked", "true");
  await page.keyboard.press("Home");
  await expect(readOnly).toHaveAttribute("aria-checked", "true");
  // The chosen segment's border is at least 3:1 against the track.
  const border = await readOnly.evaluate((el) => getComputedStyle(el).borderTopColor);
  expect(border).not.toBe("rgba(0, 0, 0, 0)");

  // Any change of one's own makes the grants custom: none is chosen, and a status says so.
  await page.getByRole("checkbox", { name: "Edit payments" }).check();
  await expect(allPresets(page).getByRole("radio", { checked: true })).toHaveCount(0);
  const custom = page.getByRole("status").filter({ hasText: "Custom — your own choice of permissions" });
  await expect(custom).toBeVisible();
  await expect(allPresets(page)).toHaveAccessibleDescription("Custom — your own choice of permissions");
  await expect(page.getByRole("radio", { name: "Custom" })).toHaveCount(0);
  await expect(groupPresets(page, "Payments")).toHaveAccessibleDescription("Custom — your own choice of permissions");
  await expectAccessible(page, "wizard permissions, custom");

  // Forced colours: the chosen preset and the current page stay distinguishable.
  await page.emulateMedia({ forcedColors: "active" });
  await groupPresets(page, "Cards").getByRole("radio", { name: "Write" }).click();
  await screenshot(page, "wizard-a11y-3-permissions-forced-colors");
  const chosen = await groupPresets(page, "Cards")
    .getByRole("radio", { name: "Write" })
    .evaluate((el) => getComputedStyle(el).backgroundColor);
  const neighbour = await groupPresets(page, "Cards")
    .getByRole("radio", { name: "Read-only" })
    .evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(chosen).not.toBe(neighbour);
  await page.emulateMedia({ forcedColors: "none" });

  await cont(page).click();
  await expect(page.getByRole("heading", { name: "Review and create" })).toBeVisible();
  await expect(steps.getByRole("listitem").nth(2)).toContainText("Permissions (completed)");
  await checkStep(page, "wizard-a11y-4-review");
  await page.setViewportSize({ width: 320, height: 844 });
  await expect(page.getByText("Step 4 of 4 · Review and create")).toBeVisible();
  await page.setViewportSize({ width: 1360, height: 860 });
});

test("the key list: a 24 px clear-search button, and the chosen application filter and page in forced colours", async ({ page }) => {
  await signIn(page, "naledi@acme.example");
  await expect(page.getByRole("table", { name: "API keys" })).toBeVisible();
  const search = page.getByLabel("Search by alias or prefix");
  await search.fill("ERP");
  const clear = page.getByRole("button", { name: "Clear search" });
  await expect(clear).toBeVisible();
  const box = (await clear.boundingBox())!;
  expect(box.width).toBeGreaterThanOrEqual(24);
  expect(box.height).toBeGreaterThanOrEqual(24);
  await expectAccessible(page, "key list with a search");
  await clear.click();
  await expect(search).toHaveValue("");
  await expect(page).toHaveURL(/\/keys$/);

  // The application filter is one radio group: arrow keys choose.
  const filter = page.getByRole("radiogroup", { name: "Application" });
  const all = filter.getByRole("radio", { name: "All applications" });
  await expect(all).toHaveAttribute("aria-checked", "true");
  await all.focus();
  await page.keyboard.press("ArrowRight");
  await expect(page).toHaveURL(/app=[0-9a-f-]{36}/);
  const chosen = filter.getByRole("radio", { checked: true });
  await expect(chosen).not.toHaveAccessibleName("All applications");

  await page.emulateMedia({ forcedColors: "active" });
  await screenshot(page, "key-list-forced-colors");
  const colours = await filter.getByRole("radio").evaluateAll((els) => els.map((el) => getComputedStyle(el).backgroundColor));
  expect(new Set(colours).size).toBeGreaterThan(1);
  const nav = page.getByRole("navigation", { name: "Main" });
  const current = await nav.getByRole("link", { name: "API keys" }).evaluate((el) => getComputedStyle(el).backgroundColor);
  const other = await nav.getByRole("link", { name: "Members" }).evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(current).not.toBe(other);
  await page.emulateMedia({ forcedColors: "none" });
});
