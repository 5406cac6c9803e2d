import { test, type Locator, type Page } from "@playwright/test";
import { expectAccessible, expectNoSidewaysScroll } from "./support/a11y";
import { expect, screenshot, signInAs } from "./support/fixtures";

/**
 * The portal's frame at phone, tablet and desktop widths: the sidebar folds into a drawer below
 * 1024 px, the notification bell never covers the page's title or action, long content wraps or
 * scrolls in its own region, and pages say what they are about in their titles and headings.
 */

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error(`${locator} has no box`);
  return b;
}

function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The bell overlaps none of the page header's parts (breadcrumb, title, explanation, action). */
async function expectBellClear(page: Page, state: string) {
  const bell = await box(page.getByRole("button", { name: /^Notifications/ }));
  const header = page.locator("main header").first();
  const crumbs = await header.getByRole("navigation", { name: "Breadcrumb" }).locator("> span").all();
  for (const part of [...crumbs, header.getByRole("heading", { level: 1 }), header.locator("p").first()]) {
    expect(overlaps(bell, await box(part)), `${state}: the bell covers ${part}`).toBe(false);
  }
  const menu = page.getByRole("button", { name: "Menu" });
  if (await menu.isVisible()) expect(overlaps(bell, await box(menu)), `${state}: the bell covers the Menu button`).toBe(false);
}

test.describe("the portal's layout", () => {
  test("the sidebar is a drawer below 1024 px; Escape closes it and focus returns to Menu", async ({ page }) => {
    await signInAs(page, "naledi@acme.example");
    for (const width of [390, 1000]) {
      await page.setViewportSize({ width, height: 844 });
      await page.goto("/members");
      const menu = page.getByRole("button", { name: "Menu" });
      const nav = page.getByRole("navigation", { name: "Main" });
      await expect(menu).toHaveAttribute("aria-expanded", "false");
      await expect(nav).toBeHidden();
      await expectBellClear(page, `${width} px`);
      await menu.click();
      await expect(menu).toHaveAttribute("aria-expanded", "true");
      await expect(page.locator(`#${await menu.getAttribute("aria-controls")}`)).toBeVisible();
      await expect(nav.getByRole("link", { name: "Audit log" })).toBeVisible();
      await nav.getByRole("link", { name: "API keys" }).focus();
      await page.keyboard.press("Escape");
      await expect(menu).toHaveAttribute("aria-expanded", "false");
      await expect(menu).toBeFocused();
      await expect(nav).toBeHidden();
      // Opening a section closes the drawer.
      await menu.click();
      await nav.getByRole("link", { name: "Audit log" }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
      await expect(nav).toBeHidden();
    }
    await page.setViewportSize({ width: 1024, height: 860 });
    await page.goto("/members");
    await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    for (const width of [1024, 1280, 1920]) {
      await page.setViewportSize({ width, height: 860 });
      for (const path of ["/keys", "/members", "/audit"]) {
        await page.goto(path);
        await expectBellClear(page, `${path} at ${width} px`);
      }
    }
  });

  test("the key list is a list of cards on a phone and at 200 % zoom, and a table on a laptop", async ({ page }) => {
    await signInAs(page, "naledi@acme.example");
    await page.goto("/keys");
    const table = page.getByRole("table", { name: "API keys" });
    const row = table
      .getByRole("row")
      .filter({ has: page.getByRole("link") })
      .first();
    for (const width of [320, 390, 640]) {
      await page.setViewportSize({ width, height: 844 });
      await expect(row.getByRole("link")).toBeVisible();
      await expect(row).toContainText(/Active|Expiring|Frozen/);
      // Each card names its facts (shown by CSS; the hidden header row names them to screen readers).
      const labels = await row
        .locator("td")
        .evaluateAll((cells) =>
          cells.map((cell) => getComputedStyle(cell, "::before").content).filter((content) => content !== "none" && content !== "normal"),
        );
      expect(labels.join(" ")).toMatch(/Product and access.*Accounts.*Expires.*Last used.*Created by/);
      await expect(page.getByRole("button", { name: "Menu" })).toBeVisible();
      // Nothing in a card is cut off by its scroller: the row is no wider than the table's region.
      const region = await box(page.getByRole("region", { name: "API keys" }));
      expect((await box(row)).width).toBeLessThanOrEqual(region.width);
      await expectNoSidewaysScroll(page, `keys at ${width} px`);
      await screenshot(page, `layout-keys-cards-${width}`);
    }
    await row.getByRole("link").click();
    await expect(page).toHaveURL(/\/keys\/[0-9a-f-]{36}$/);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto("/keys");
    await expect(page.getByRole("columnheader", { name: "Product and access" })).toBeVisible();
    await expect(page.getByRole("columnheader", { name: "Accounts" })).toBeVisible();
  });

  test("titles name the key and the application; the docs have a heading for each endpoint", async ({ page }) => {
    await signInAs(page, "naledi@acme.example");
    await page.goto("/keys");
    const first = page.getByRole("table", { name: "API keys" }).getByRole("link").first();
    const alias = (await first.textContent())!.trim();
    await first.click();
    await expect(page.getByRole("heading", { level: 1, name: alias })).toBeVisible();
    await expect(page).toHaveTitle(`${alias} · API keys · Latchkey`);
    // Each sample endpoint is a heading under "Request and response samples", and its code scrolls by itself.
    const samples = page.getByRole("heading", { level: 3, name: /^(GET|POST|PUT) \/api\// });
    expect(await samples.count()).toBeGreaterThan(0);
    await page.locator("details summary").first().click();
    const code = page.getByRole("region", { name: /^Request sample: / }).first();
    await expect(code).toBeVisible();
    await expect(code).toHaveAttribute("tabindex", "0");
    for (const width of [320, 390]) {
      await page.setViewportSize({ width, height: 844 });
      await expectNoSidewaysScroll(page, `key detail at ${width} px`);
      expect((await box(code)).x + (await box(code)).width).toBeLessThanOrEqual(width);
    }
    await screenshot(page, "layout-key-320");

    await page.setViewportSize({ width: 1360, height: 860 });
    await page.goto("/credentials");
    await page.getByRole("link", { name: "ERP integration" }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: "ERP integration" })).toBeVisible();
    await expect(page).toHaveTitle("ERP integration · Credentials · Latchkey");

    await page.goto("/docs");
    const endpoints = page.getByRole("heading", { level: 2, name: /^(GET|POST|PUT) \/api\// });
    expect(await endpoints.count()).toBeGreaterThan(5);
  });

  test("the audit filters stack on a phone, with their labels", async ({ page }) => {
    await signInAs(page, "naledi@acme.example");
    for (const width of [320, 390, 640, 1024, 1280]) {
      await page.setViewportSize({ width, height: 844 });
      await page.goto("/audit");
      const search = page.getByRole("search", { name: "Filter the audit log" });
      for (const label of ["Who", "Action", "Target", /^From/, /^To/]) {
        const field = search.getByLabel(label);
        await expect(field).toBeVisible();
        expect((await box(field)).width, `${label} at ${width} px`).toBeGreaterThanOrEqual(width < 640 ? 240 : 120);
      }
      await expectNoSidewaysScroll(page, `audit at ${width} px`);
    }
  });

  test("the operator's pages fit a phone", async ({ page }) => {
    await signInAs(page, "ops@bank.example");
    for (const path of ["/ops", "/ops/outbox"]) {
      await page.goto(path);
      await expect(page.getByRole("main")).toHaveCount(1);
      await expectAccessible(page, path);
      for (const width of [320, 390, 640, 1280]) {
        await page.setViewportSize({ width, height: 844 });
        await expectNoSidewaysScroll(page, `${path} at ${width} px`);
      }
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, `layout-${path.slice(1).replace("/", "-")}-390`);
    }
  });
});
