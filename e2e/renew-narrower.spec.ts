import { test, type Page } from "@playwright/test";
import { expectAccessible } from "./support/a11y";
import { expect, fixtures, pin, screenshot, signIn, tabTo } from "./support/fixtures";

const NALEDI = "naledi@acme.example";

/** Opens a key's page from the list, as a person would: search for it, follow its link. */
async function openKey(page: Page, alias: string) {
  await page.goto(`/keys?q=${encodeURIComponent(alias)}`);
  await page.getByRole("link", { name: alias, exact: true }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: alias })).toBeVisible();
}

test.describe("renew as a narrower key", () => {
  test("the renew dialog names the unused permissions; the narrower key has only the used ones, and the old key works until it retires", async ({
    page,
    request,
  }) => {
    const alias = "e2e narrower journey";
    const old = fixtures().keys["narrower journey"]!;
    await page.setViewportSize({ width: 1280, height: 860 });
    await signIn(page, NALEDI);
    await expect(page).toHaveURL(/\/keys$/);
    await openKey(page, alias);
    const oldUrl = page.url();

    await page.getByRole("button", { name: "Renew", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: `Renew “${alias}”` });
    await expect(dialog.getByTestId("unused-permissions")).toHaveText("Not used in the last 90 days: Transactions (view).");
    await expect(dialog.getByRole("radio", { name: /The same key and permissions/ })).toBeChecked();
    await expect(dialog.getByLabel("When the old key stops working")).toHaveCount(0);
    await expectAccessible(page, "the renew dialog at 1280 px");
    await screenshot(page, "renew-narrower-1280-choice");

    await dialog.getByRole("radio", { name: /Renew as a narrower key/ }).check();
    const narrower = page.getByRole("dialog", { name: `Renew “${alias}” as a narrower key` });
    await expect(narrower).toContainText("A new key gets only what this one used — Accounts (view), Balances (view)");
    await narrower.getByLabel("When the old key stops working").selectOption({ label: "After 1 hour" });
    await expectAccessible(page, "the narrower renewal at 1280 px");
    await screenshot(page, "renew-narrower-1280-overlap");
    await narrower.getByLabel("Your 6-digit PIN").fill(pin(NALEDI));

    const modal = page.getByRole("dialog", { name: `“${alias} (narrowed)” is ready` });
    await expect(modal.getByTestId("narrowed-summary")).toContainText("It can do only this: Accounts (view), Balances (view).");
    await expect(modal.getByTestId("narrowed-summary")).toContainText(`“${alias}” keeps working until`);
    const secret = (await modal.getByTestId("new-secret").textContent())!.trim();
    await screenshot(page, "renew-narrower-1280-secret");
    await modal.getByLabel("I have stored this key somewhere safe").check();
    await modal.getByRole("button", { name: "Done" }).click();

    // The new key's page: only the permissions it used.
    await expect(page.getByRole("heading", { level: 1, name: `${alias} (narrowed)` })).toBeVisible();
    expect(page.url()).not.toBe(oldUrl);
    await expect(page.getByText("View accounts: granted")).toBeAttached();
    await expect(page.getByText("View balances: granted")).toBeAttached();
    await expect(page.getByText("View transactions: not granted")).toBeAttached();
    await screenshot(page, "renew-narrower-1280-new-key");

    // The bank API agrees: the new secret reads balances but not transactions; the old one still works in its overlap.
    const call = (key: string, path: string) => request.get(path, { headers: { "x-api-key": key } });
    expect((await call(secret, `/api/v1/accounts/${old.accountId}/balance`)).status()).toBe(200);
    const refused = await call(secret, `/api/v1/accounts/${old.accountId}/transactions`);
    expect([refused.status(), (await refused.json()).error.code]).toEqual([403, "insufficient_permission"]);
    expect((await call(old.key, `/api/v1/accounts/${old.accountId}/transactions`)).status()).toBe(200);

    // The old key's page says what replaces it and until when it works.
    await page.goto(oldUrl);
    await expect(page.getByTestId("key-replaced")).toContainText(`Replaced by ${alias} (narrowed) — keeps working until`);
    await screenshot(page, "renew-narrower-1280-old-key");

    // Both keys are listed until the old one retires.
    await page.goto(`/keys?q=${encodeURIComponent(alias)}`);
    await expect(page.getByRole("link", { name: alias, exact: true }).first()).toBeVisible();
    await expect(page.getByRole("link", { name: `${alias} (narrowed)`, exact: true }).first()).toBeVisible();
  });

  test("from the keyboard alone at 390 px: choose, pick the overlap, PIN, secret, new key", async ({ page }) => {
    const alias = "e2e narrower keyboard";
    await signIn(page, NALEDI);
    await expect(page).toHaveURL(/\/keys$/);
    await openKey(page, alias);
    await page.setViewportSize({ width: 390, height: 844 });

    await tabTo(page, page.getByRole("button", { name: "Renew", exact: true }));
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: `Renew “${alias}”` });
    await expect(dialog.getByLabel("Your 6-digit PIN")).toBeFocused();
    await expect(dialog.getByTestId("unused-permissions")).toBeVisible();
    await expectAccessible(page, "the renew dialog at 390 px");
    await screenshot(page, "renew-narrower-390-choice");

    // Back from the PIN to the choice, then down to "narrower".
    await page.keyboard.press("Shift+Tab");
    await expect(page.getByRole("radio", { name: /The same key and permissions/ })).toBeFocused();
    await page.keyboard.press("ArrowDown");
    const narrowerChoice = page.getByRole("radio", { name: /Renew as a narrower key/ });
    await expect(narrowerChoice).toBeChecked();
    await expect(narrowerChoice).toBeFocused();
    await page.keyboard.press("Tab");
    const overlap = page.getByLabel("When the old key stops working");
    await expect(overlap).toBeFocused();
    await page.keyboard.press("ArrowUp");
    await expect(overlap).toHaveValue("1h");
    await expectAccessible(page, "the narrower renewal at 390 px");
    await screenshot(page, "renew-narrower-390-overlap");
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Your 6-digit PIN")).toBeFocused();
    await page.keyboard.type(pin(NALEDI));

    const modal = page.getByRole("dialog", { name: `“${alias} (narrowed)” is ready` });
    await expect(modal).toBeVisible();
    await tabTo(page, modal.getByLabel("I have stored this key somewhere safe"));
    await page.keyboard.press("Space");
    await tabTo(page, modal.getByRole("button", { name: "Done" }));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { level: 1, name: `${alias} (narrowed)` })).toBeVisible();
    await expect(page.getByText("View transactions: not granted")).toBeAttached();
  });
});
