import { expect, test, type Page } from "@playwright/test";
import { pin, screenshot, signIn } from "./support/fixtures";

/** Both widths the portal is designed for; the name says which. */
async function shoot(page: Page, name: string) {
  for (const width of [1280, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

const keyRow = (page: Page, alias: string) =>
  page
    .getByRole("table", { name: "API keys" })
    .getByRole("row")
    .filter({ has: page.getByRole("link", { name: alias, exact: true }) });
const banner = (page: Page) => page.getByRole("status", { name: "Keys to renew" });

// These tests change Acme's expiring and frozen keys, so they run in order.
test.describe.configure({ mode: "serial" });

test.describe("the key list", () => {
  test("says what each key can do, by product, with expiry in days, and filters by product", async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, "naledi@acme.example");
    await expect(page).toHaveURL(/\/keys$/);
    await expect(page.getByRole("columnheader", { name: "Product and access" })).toBeVisible();
    await shoot(page, "key-list");
    // The demo keys are the oldest, and other tests add keys as they run: each is found by its alias.
    const find = async (alias: string) => {
      await page.goto(`/keys?q=${encodeURIComponent(alias)}`);
      await expect(page.getByRole("table", { name: "API keys" })).not.toContainText(/Custom ·|months?\b/);
      return keyRow(page, alias);
    };

    const supplier = await find("Supplier payments");
    await expect(supplier).toContainText("Moves money");
    await expect(supplier).toContainText("Payments");
    await expect(supplier).toContainText("View payments · Create payments");
    await expect(supplier).toContainText("Account information");
    await expect(supplier).toContainText(/in [1-6] days?/);
    const sweeps = await find("Treasury sweeps");
    await expect(sweeps).toContainText("Moves money");
    await expect(sweeps).toContainText("Move money between its accounts");
    const erp = await find("ERP nightly sync");
    await expect(erp).toContainText("View accounts, balances, transactions and statements");
    await expect(erp).not.toContainText("Moves money");
    await expect(erp).toContainText(/in 5[89] days/);
    // The absolute date stays in the tooltip.
    await expect(erp.locator("time").first()).toHaveAttribute("title", /\d{1,2} \w{3} \d{4}, \d{2}:\d{2} SAST/);
    await expect(await find("Sandbox smoke tests")).toContainText(/frozen \d+ days ago/);
    await page.goto("/keys");

    // Product filter: in the URL, applied by the server with the others.
    await page.getByLabel("Product").selectOption({ label: "Payments" });
    await expect(page).toHaveURL(/product=payments/);
    await page.getByLabel("Search by alias or prefix").fill("Supplier");
    await expect(page).toHaveURL(/product=payments.*q=Supplier|q=Supplier.*product=payments/);
    await expect(keyRow(page, "Supplier payments")).toBeVisible();
    await page.getByLabel("Search by alias or prefix").fill("ERP nightly");
    await expect(page.getByText("No keys match these filters")).toBeVisible();
    await page.getByLabel("Product").selectOption({ label: "Account information" });
    await expect(keyRow(page, "ERP nightly sync")).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Product")).toHaveValue("account_information");
    await expect(keyRow(page, "ERP nightly sync")).toBeVisible();
    await page.goto("/keys?product=cards&q=Supplier");
    await expect(page.getByText("No keys match these filters")).toBeVisible();
    await page.goto("/keys?product=payments&q=Sandbox");
    await expect(page.getByText("No keys match these filters")).toBeVisible();
    await page.goto("/keys?product=account_information&q=Sandbox");
    await expect(keyRow(page, "Sandbox smoke tests")).toBeVisible();

    // The app switcher leads to the application's own view.
    await page.getByRole("radiogroup", { name: "Application" }).getByRole("radio", { name: "Treasury bot" }).click();
    await expect(page).toHaveURL(/app=[0-9a-f-]{36}/);
    const appId = new URL(page.url()).searchParams.get("app");
    await expect(page.getByRole("link", { name: "Open Treasury bot" })).toHaveAttribute("href", `/credentials/${appId}`);
    await expect(keyRow(page, "Supplier payments")).toHaveCount(0);

    // An expiring key's own page leads with Renew, and warns about handing the key on.
    await page.goto("/keys?q=Supplier");
    await keyRow(page, "Supplier payments").getByRole("link", { name: "Supplier payments" }).click();
    await expect(page.getByRole("heading", { name: "Supplier payments", level: 1 })).toBeVisible();
    await expect(page.getByRole("button", { name: "Renew", exact: true })).toHaveClass(/bg-accent-600/);
    await expect(page.getByRole("button", { name: "Regenerate" })).not.toHaveClass(/bg-accent-600/);
    await expect(page.getByText("Never give a key to a third party.").first()).toBeVisible();
    await expect(page.getByText("Anyone holding it can act as your organisation.").first()).toBeVisible();
    await expect(page.getByText("Moves money")).toBeVisible();
    await shoot(page, "key-page-expiring");
  });

  test("Settings › Developer › API keys keeps its breadcrumb", async ({ page }) => {
    await signIn(page, "naledi@acme.example");
    await expect(page).toHaveURL(/\/keys$/);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await page.getByRole("link", { name: /API keys.*Create, renew and delete/ }).click();
    await expect(page).toHaveURL(/\/settings\/developer\/api-keys$/);
    const crumbs = page.getByRole("navigation", { name: "Breadcrumb" });
    await expect(crumbs).toHaveText(/Acme Holdings\s*Settings\s*Developer\s*API keys/);
    await expect(crumbs.getByRole("link", { name: "Settings" })).toHaveAttribute("href", "/settings");
    await expect(page.getByRole("table", { name: "API keys" })).toBeVisible();
    // Filters stay on this path.
    await page.getByLabel("Status").selectOption({ label: "Frozen" });
    await expect(page).toHaveURL(/\/settings\/developer\/api-keys\?status=frozen/);
    await expect(crumbs).toContainText("Developer");
    await shoot(page, "settings-developer-api-keys");
  });

  test("a dialog whose code cannot load says so, leaves the page as it was, and opens at the next try", async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, "johan@acme.example");
    await expect(page).toHaveURL(/\/keys$/);
    await page.goto("/keys?q=Sandbox");
    const renew = keyRow(page, "Sandbox smoke tests").getByRole("button", { name: "Renew “Sandbox smoke tests”" });
    await expect(renew).toBeEnabled();
    // From here the page gets none of its code it has not loaded yet (offline, or a page older than the
    // server's release), but the messages' library.
    const chunks = "**/_next/static/chunks/**";
    await page.route(chunks, async (route) => {
      const response = await route.fetch();
      if ((await response.text()).includes("data-sonner-toaster")) return route.fulfill({ response });
      return route.abort();
    });
    await renew.click();
    await expect(page.getByText("This step could not load. Check your connection, reload the page and try again.")).toBeVisible();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    // Still the key list, not the error page, and the renewal was not half-started.
    await expect(page.getByRole("heading", { level: 1, name: "API keys" })).toBeVisible();
    await expect(keyRow(page, "Sandbox smoke tests")).toContainText("Frozen");
    await page.unroute(chunks);
    await renew.click();
    const dialog = page.getByRole("dialog", { name: "Renew “Sandbox smoke tests”" });
    await expect(dialog.getByLabel("Your 6-digit PIN")).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await expect(renew).toBeFocused();
  });

  test("the Key renewer renews a frozen key from its row", async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, "johan@acme.example");
    await expect(page).toHaveURL(/\/keys$/);
    const bell = page.getByRole("button", { name: /Notifications: \d+ unread/ });
    await expect(bell).toBeVisible();
    const unreadBefore = Number(/(\d+) unread/.exec((await bell.getAttribute("aria-label"))!)![1]);
    expect(unreadBefore).toBeGreaterThanOrEqual(2);
    await page.goto("/keys?q=Sandbox");
    const row = keyRow(page, "Sandbox smoke tests");
    await expect(row).toContainText("Frozen");
    // Active keys have no Renew in their row.
    await expect(keyRow(page, "ERP nightly sync").getByRole("button", { name: /Renew/ })).toHaveCount(0);
    await row.getByRole("button", { name: "Renew “Sandbox smoke tests”" }).click();
    const dialog = page.getByRole("dialog", { name: "Renew “Sandbox smoke tests”" });
    await expect(dialog).toContainText("90 days from today");
    await expect(dialog).toContainText("the API accepts it again at once");
    await shoot(page, "key-list-row-renew");
    await dialog.getByLabel("Your 6-digit PIN").fill(pin("johan@acme.example"));
    await expect(page.getByText("“Sandbox smoke tests” renewed until")).toBeVisible();
    await expect(page).toHaveURL(/\/keys\?q=Sandbox$/);
    await expect(row).toContainText("Active");
    await expect(row).toContainText(/in (90|89) days/);
    await expect(row.getByRole("button", { name: /Renew/ })).toHaveCount(0);
    // Its reminder left the bell.
    await expect(page.getByRole("button", { name: `Notifications: ${unreadBefore - 1} unread` })).toBeVisible();
    await page.getByRole("button", { name: /Notifications/ }).click();
    await expect(page.getByRole("dialog", { name: "Notifications" })).not.toContainText("Sandbox smoke tests");
  });

  test("“Renew all” renews every expiring and frozen key with one PIN", async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, "naledi@acme.example");
    await expect(page).toHaveURL(/\/keys$/);
    const unreadBefore = Number(/(\d+) unread/.exec((await page.getByRole("button", { name: /Notifications: \d+ unread/ }).getAttribute("aria-label"))!)![1]);
    await expect(banner(page)).toBeVisible();
    await shoot(page, "key-list-banner");
    const renewAll = banner(page).getByRole("button", { name: /^Renew (all \d+|it)$/ });
    const label = (await renewAll.textContent())!.trim();
    const count = label === "Renew it" ? 1 : Number(/\d+/.exec(label)![0]);
    // The list streams in after its skeleton: count its rows once its footer is there.
    const listed = () => expect(page.getByRole("navigation", { name: "Pagination" })).toBeVisible();
    await page.goto("/keys?status=expiring");
    await listed();
    const expiring = await page.getByRole("table", { name: "API keys" }).getByRole("row").filter({ hasText: "Expiring" }).count();
    await page.goto("/keys?status=frozen");
    await listed();
    const frozen = await page.getByRole("table", { name: "API keys" }).getByRole("row").filter({ hasText: "Frozen" }).count();
    expect(count).toBe(expiring + frozen);
    await page.goto("/keys?q=Supplier");
    await renewAll.click();
    const dialog = page.getByRole("dialog", { name: count === 1 ? "Renew 1 key" : `Renew ${count} keys` });
    await expect(dialog).toContainText("90 days from today");
    await expect(dialog.getByRole("list", { name: "Keys in this renewal" }).getByRole("listitem")).toHaveCount(count);
    await expect(dialog.getByRole("list", { name: "Keys in this renewal" })).toContainText("Supplier payments");
    await shoot(page, "key-list-renew-all");
    await dialog.getByLabel("Your 6-digit PIN").fill(pin("naledi@acme.example"));
    await expect(page.getByText(`${count} ${count === 1 ? "key" : "keys"} renewed until`)).toBeVisible();
    await expect(banner(page)).toHaveCount(0);
    await expect(keyRow(page, "Supplier payments")).toContainText("Active");
    await expect(keyRow(page, "Supplier payments")).toContainText(/in (90|89) days/);
    await expect(
      page
        .getByRole("table", { name: "API keys" })
        .getByRole("row")
        .filter({ hasText: /Expiring|Frozen/ }),
    ).toHaveCount(0);
    // Their reminders left the bell.
    const bell = page.getByRole("button", { name: /Notifications/ });
    await expect(bell).not.toHaveAttribute("aria-label", `Notifications: ${unreadBefore} unread`);
    await page.goto("/keys");
    const unreadAfter = /(\d+) unread/.exec((await bell.getAttribute("aria-label"))!)?.[1];
    expect(Number(unreadAfter ?? 0)).toBeLessThan(unreadBefore);
    await bell.click();
    await expect(page.getByRole("dialog", { name: "Notifications" })).not.toContainText(/freezes in|is frozen/);
    await page.keyboard.press("Escape");
    await expect(banner(page)).toHaveCount(0);
    await page.goto("/keys?status=frozen");
    await expect(page.getByText("No keys match these filters")).toBeVisible();
  });
});
