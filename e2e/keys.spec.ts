import { test, type Locator, type Page } from "@playwright/test";
import { expect, pin, screenshot, serverLog, signIn } from "./support/fixtures";

/** The overall preset control (each product group has its own too). */
const allPresets = (page: Page) => page.getByRole("radiogroup", { name: "Preset for all products" });
/** The status shown when the grants match no preset. */
const customPermissions = (page: Page) => page.getByRole("status").filter({ hasText: "Custom — your own choice of permissions" });

/** Drives the wizard to its review step: Acme Retail's live ZAR account, preset then one custom change. */
async function fillWizard(page: Page, alias: string, shots = false) {
  await page.goto("/keys/new");
  await expect(page.getByRole("heading", { name: "Name the key" })).toBeVisible();
  await page.getByLabel("Alias").fill(alias);
  await page.getByLabel("Description (optional)").fill("Reads balances for the month-end close");
  await page.getByLabel("Application").selectOption({ label: "ERP integration" });
  if (shots) await screenshot(page, "wizard-1-details");
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page.getByRole("heading", { name: "Choose what it can reach" })).toBeVisible();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("Choose at least one account")).toBeVisible();
  await page.getByLabel("Acme Retail (Pty) Ltd").check();
  await page.getByRole("checkbox", { name: /Acme Retail ZAR operating/ }).check();
  if (shots) await screenshot(page, "wizard-2-access");
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page.getByRole("heading", { name: "Choose what it may do" })).toBeVisible();
  await allPresets(page).getByRole("radio", { name: "Read-only" }).click();
  await expect(allPresets(page).getByRole("radio", { name: "Read-only" })).toHaveAttribute("aria-checked", "true");
  await page.getByRole("checkbox", { name: "Edit payments" }).check();
  await expect(customPermissions(page)).toBeVisible();
  if (shots) await screenshot(page, "wizard-3-permissions");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Review and create" })).toBeVisible();
}

/** Presses Tab until `target` has focus, as a keyboard user would. */
async function tabTo(page: Page, target: Locator) {
  for (let i = 0; i < 40; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error("could not reach the element with Tab");
}

test.describe("API keys", () => {
  test("the wizard, the PIN dialog and the secret modal work from the keyboard alone", async ({ page }) => {
    await signIn(page, "naledi@acme.example");
    await expect(page).toHaveURL(/\/keys$/);
    await page.goto("/keys/new");
    await tabTo(page, page.getByLabel("Alias"));
    await page.keyboard.type("Keyboard only");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Choose what it can reach" })).toBeFocused();

    await tabTo(page, page.getByLabel("Acme Logistics (Pty) Ltd"));
    await page.keyboard.press("Space");
    await tabTo(page, page.getByRole("checkbox", { name: /Acme Logistics ZAR operating/ }));
    await page.keyboard.press("Space");
    await tabTo(page, page.getByRole("button", { name: "Continue" }));
    await page.keyboard.press("Enter");

    // A radio group is one tab stop; the arrow keys choose within it.
    await tabTo(page, allPresets(page).getByRole("radio", { name: "Read-only" }));
    await page.keyboard.press("ArrowRight");
    await expect(allPresets(page).getByRole("radio", { name: "Write" })).toHaveAttribute("aria-checked", "true");
    await tabTo(page, page.getByRole("button", { name: "Continue" }));
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("review-sentence")).toContainText("move money between its accounts");

    await tabTo(page, page.getByRole("button", { name: "Create key" }));
    await page.keyboard.press("Enter");
    await expect(page.getByLabel("Your 6-digit PIN")).toBeFocused();
    await page.keyboard.type(pin("naledi@acme.example"));
    const modal = page.getByRole("dialog", { name: "“Keyboard only” is ready" });
    await expect(modal).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(modal).toBeVisible();
    await tabTo(page, modal.getByLabel("I have stored this key somewhere safe"));
    await page.keyboard.press("Space");
    await tabTo(page, modal.getByRole("button", { name: "Done" }));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Keyboard only", level: 1 })).toBeVisible();
  });

  test("(a) the Acme Admin creates a key through the wizard and sees the secret exactly once", async ({ page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await signIn(page, "pieter@acme.example");
    await expect(page.getByRole("table", { name: "API keys" })).toBeVisible();
    await screenshot(page, "keys-list");
    await page.getByRole("link", { name: "Create key" }).click();

    await fillWizard(page, "Month-end close", true);
    const summary = page.getByRole("complementary", { name: "Summary" });
    await expect(summary.getByText("Month-end close")).toBeVisible();
    await expect(page.getByTestId("review-sentence")).toHaveText(
      /^This LIVE key can view account details, balances, transactions, statements, tax certificates, payments and card code of ••\d{4} and create payments that wait for approval\. It expires on \d{1,2} \w{3} \d{4}\. It can be used from any address\.$/,
    );
    await screenshot(page, "wizard-4-review");

    // Back keeps what was entered.
    await page.getByRole("button", { name: "Back" }).click();
    await expect(customPermissions(page)).toBeVisible();
    await page.getByRole("button", { name: "Continue" }).click();

    await page.getByRole("button", { name: "Create key" }).click();
    const pinDialog = page.getByRole("dialog", { name: "Create the key" });
    await expect(pinDialog).toBeVisible();
    await screenshot(page, "wizard-5-pin");
    await pinDialog.getByLabel("Your 6-digit PIN").fill("111333");
    await expect(pinDialog.getByRole("alert")).toContainText("Wrong PIN. 4 tries left");
    await pinDialog.getByLabel("Your 6-digit PIN").fill(pin("pieter@acme.example"));

    const modal = page.getByRole("dialog", { name: "“Month-end close” is ready" });
    await expect(modal).toBeVisible();
    const secret = (await page.getByTestId("new-secret").textContent())!.trim();
    expect(secret).toMatch(/^lk_live_[0-9A-Za-z]{38}$/);
    await expect(modal.getByText("This is the only time this key is shown")).toBeVisible();
    await screenshot(page, "secret-modal");

    // No way out until the box is ticked: not Escape, not the backdrop, and there is no close button.
    await page.keyboard.press("Escape");
    await page.mouse.click(15, 15);
    await expect(modal).toBeVisible();
    await expect(modal.getByRole("button", { name: "Close" })).toHaveCount(0);
    await expect(modal.getByRole("button", { name: "Done" })).toBeDisabled();
    await modal.getByRole("button", { name: "Copy" }).click();
    await expect(modal.getByRole("button", { name: "Copied ✓" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await modal.getByLabel("I have stored this key somewhere safe").check();
    await modal.getByRole("button", { name: "Done" }).click();

    await expect(page.getByRole("heading", { name: "Month-end close", level: 1 })).toBeVisible();
    await expect(page.locator("dd").filter({ hasText: `${secret.slice(0, 12)}…` })).toBeVisible();
    expect(await page.content()).not.toContain(secret.slice(12));
    await screenshot(page, "key-detail");
    await page.reload();
    await expect(page.getByRole("heading", { name: "Month-end close", level: 1 })).toBeVisible();
    expect(await page.content()).not.toContain(secret.slice(12));

    await page.goto("/keys?q=Month-end");
    const row = page.getByRole("row", { name: /Month-end close/ });
    await expect(row).toContainText(secret.slice(0, 12));
    await expect(row).toContainText("Moves money");
    await expect(row).toContainText("Active");
    await expect(row).toContainText("Pieter van Wyk");
    expect(await page.content()).not.toContain(secret.slice(12));

    // Regenerate: a new secret in the same one-time modal; neither secret stays on the page.
    await row.getByRole("link", { name: "Month-end close" }).click();
    await page.getByRole("button", { name: "Regenerate" }).click();
    const regenerate = page.getByRole("dialog", { name: "Regenerate “Month-end close”" });
    await expect(regenerate).toContainText("stop working immediately");
    await regenerate.getByLabel("Your 6-digit PIN").fill(pin("pieter@acme.example"));
    const again = page.getByRole("dialog", { name: "New secret for “Month-end close”" });
    await expect(again).toBeVisible();
    const renewed = (await page.getByTestId("new-secret").textContent())!.trim();
    expect(renewed).toMatch(/^lk_live_[0-9A-Za-z]{38}$/);
    expect(renewed).not.toBe(secret);
    await again.getByLabel("I have stored this key somewhere safe").check();
    await again.getByRole("button", { name: "Done" }).click();
    await expect(page.locator("dd").filter({ hasText: `${renewed.slice(0, 12)}…` })).toBeVisible();
    await page.reload();
    expect(await page.content()).not.toContain(renewed.slice(12));
    await expect(page.getByRole("row", { name: /Regenerated an API key/ })).toBeVisible();

    // Delete: type the alias, then the PIN; the key leaves the list.
    await page.getByRole("button", { name: "Delete" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete “Month-end close”?" });
    await expect(confirm).toContainText(`using ${renewed.slice(0, 12)}… will fail immediately`);
    await expect(confirm.getByRole("button", { name: "Continue" })).toBeDisabled();
    await confirm.getByLabel("Type “Month-end close” to confirm").fill("Month-end close");
    await screenshot(page, "delete-confirm");
    await confirm.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("dialog", { name: "Delete “Month-end close”" }).getByLabel("Your 6-digit PIN").fill(pin("pieter@acme.example"));
    await expect(page).toHaveURL(/\/keys$/);
    await expect(page.getByText("“Month-end close” deleted")).toBeVisible();
    await expect(page.getByRole("row", { name: /Month-end close/ })).toHaveCount(0);

    const log = serverLog();
    expect(log).toContain('"msg":"ready: portal and bank API"');
    expect(log).not.toContain(secret.slice(12));
    expect(log).not.toContain(renewed.slice(12));
  });

  test("(b) the Nkosi account holder renews a key with 10 days left and a frozen key", async ({ page }) => {
    await signIn(page, "thabo@nkosi.example");
    await expect(page.getByRole("status").filter({ hasText: "frozen" })).toContainText("1 key is frozen");
    // Budget app, Tax return export, and the key the outbox test keeps waiting (e2e/support/prepare.ts).
    await expect(page.getByRole("button", { name: "Notifications: 3 unread" })).toBeVisible();
    // The list, the bell and the key page count the same days.
    await expect(page.getByRole("row", { name: /Budget app/ }).getByText("in 10 days")).toBeVisible();
    await page.getByRole("button", { name: /Notifications/ }).click();
    await expect(page.getByRole("dialog", { name: "Notifications" }).getByRole("link", { name: "“Budget app” freezes in 10 days (unread)" })).toBeVisible();
    await expect(page.getByRole("dialog", { name: "Notifications" }).getByRole("link", { name: "“Tax return export” is frozen (unread)" })).toBeVisible();
    await screenshot(page, "notifications");
    // Opening a reminder marks it read.
    await page
      .getByRole("dialog")
      .getByRole("link", { name: /Budget app/ })
      .click();

    await expect(page.getByRole("heading", { name: "Budget app", level: 1 })).toBeVisible();
    // The bell closes when its link is followed, so it cannot take focus back from the next dialog.
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByText("This key freezes in 10 days")).toBeVisible();
    await expect(page.getByRole("button", { name: "Notifications: 2 unread" })).toBeVisible();
    await page.getByRole("button", { name: /Notifications/ }).click();
    // The bell shows them read at once; wait for the server to have recorded it before reloading.
    const recorded = page.waitForResponse((response) => response.request().method() === "POST" && !!response.request().headers()["next-action"]);
    await page.getByRole("dialog", { name: "Notifications" }).getByRole("button", { name: "Mark all read" }).click();
    await expect(page.getByRole("button", { name: "Notifications: none unread" })).toBeVisible();
    await recorded;
    await page.reload();
    await expect(page.getByRole("button", { name: "Notifications: none unread" })).toBeVisible();
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Renew" }).click();
    const renew = page.getByRole("dialog", { name: "Renew “Budget app”" });
    await expect(renew).toContainText("90 days from today");
    await screenshot(page, "renew-pin");
    await renew.getByLabel("Your 6-digit PIN").fill(pin("thabo@nkosi.example"));
    await expect(page.getByText("“Budget app” renewed until")).toBeVisible();
    await expect(page.getByText("This key freezes in")).toHaveCount(0);
    await expect(page.getByRole("row", { name: /Renewed an API key/ })).toBeVisible();

    await page.goto("/keys?status=frozen");
    await page.getByRole("link", { name: "Tax return export" }).click();
    await expect(page.getByText("This key is frozen: the API refuses it.")).toBeVisible();
    await screenshot(page, "key-detail-frozen");
    await page.getByRole("button", { name: "Renew" }).click();
    await page.getByRole("dialog", { name: /Renew/ }).getByLabel("Your 6-digit PIN").fill(pin("thabo@nkosi.example"));
    await expect(page.getByText("“Tax return export” renewed until")).toBeVisible();
    await expect(page.getByText("This key is frozen")).toHaveCount(0);

    await page.goto("/keys");
    await expect(page.getByRole("row", { name: /Budget app/ })).toContainText("Active");
    await expect(page.getByRole("row", { name: /Tax return export/ })).toContainText("Active");
    await expect(page.getByRole("status").filter({ hasText: "frozen" })).toHaveCount(0);
  });

  test("(c) the Viewer sees the list without a create button, and a direct call of the create action is refused", async ({ page, browser }) => {
    // Capture the real create-action request from an admin's wizard, and stop it before it reaches the server.
    const admin = await browser.newContext();
    const adminPage = await admin.newPage();
    await signIn(adminPage, "naledi@acme.example");
    await expect(adminPage).toHaveURL(/\/keys$/);
    await fillWizard(adminPage, "Viewer replay target");
    let captured: { headers: Record<string, string>; body: string } | null = null;
    await adminPage.route(/\/keys\/new(\?|$)/, async (route) => {
      const request = route.request();
      if (request.method() === "POST" && request.headers()["next-action"]) {
        captured = { headers: request.headers(), body: request.postData() ?? "" };
        await route.abort();
      } else await route.continue();
    });
    await adminPage.getByRole("button", { name: "Create key" }).click();
    await adminPage.getByRole("dialog").getByLabel("Your 6-digit PIN").fill(pin("naledi@acme.example"));
    await expect.poll(() => captured).not.toBeNull();
    await admin.close();

    await signIn(page, "aisha@acme.example");
    await expect(page.getByRole("table", { name: "API keys" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Create key" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Create key" })).toBeDisabled();
    await expect(page.getByText("Your role (Viewer) cannot create keys.")).toBeVisible();
    await screenshot(page, "keys-list-viewer");
    await page.goto("/keys/new");
    await expect(page.getByText("You can't create keys")).toBeVisible();

    const { headers, body } = captured!;
    const replay = await page.request.post("/keys/new", {
      headers: {
        "next-action": headers["next-action"]!,
        "content-type": headers["content-type"]!,
        accept: "text/x-component",
        origin: new URL(page.url()).origin,
      },
      data: body.replace(/"pin":"\d{6}"/, `"pin":"${pin("aisha@acme.example")}"`),
    });
    const answer = await replay.text();
    expect(answer).toContain("Your role does not allow this.");
    // Action responses — the only place a new secret ever travels — are never stored by a cache.
    expect(replay.headers()["cache-control"]).toContain("no-store");
    expect(answer).not.toMatch(/lk_live_[0-9A-Za-z]{38}/);

    await page.goto("/keys?q=Viewer replay target");
    await expect(page.getByText("No keys match these filters")).toBeVisible();
  });

  test("(d) Pending Ventures sees what is missing and no way to create a key", async ({ page }) => {
    await signIn(page, "kagiso@pending.example");
    await expect(page.getByText("The bank has not yet approved your organisation's onboarding.")).toBeVisible();
    await expect(page.getByText("No API product has been enabled for your organisation yet.")).toBeVisible();
    await expect(page.getByRole("link", { name: "Create key" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Create key" })).toHaveCount(0);
    await screenshot(page, "keys-pending");
    await page.goto("/keys/new");
    await expect(page.getByText("API keys are not available yet")).toBeVisible();
  });
});
