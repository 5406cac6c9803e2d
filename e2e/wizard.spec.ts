import { test, type Page } from "@playwright/test";
import { expect, pin, screenshot, signIn } from "./support/fixtures";

const allPresets = (page: Page) => page.getByRole("radiogroup", { name: "Preset for all products" });
const groupPresets = (page: Page, group: string) => page.getByRole("radiogroup", { name: `${group} preset` });
/** The status shown when the grants match no preset. */
const customPermissions = (page: Page) => page.getByRole("status").filter({ hasText: "Custom — your own choice of permissions" });

async function openWizard(page: Page, email = "naledi@acme.example") {
  await signIn(page, email);
  await expect(page).toHaveURL(/\/keys$/);
  await page.goto("/keys/new");
  await expect(page.getByRole("heading", { name: "Name the key" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Continue" })).toBeEnabled();
}

async function chooseRetailZar(page: Page) {
  await expect(page.getByRole("heading", { name: "Choose what it can reach" })).toBeVisible();
  await page.getByLabel("Acme Retail (Pty) Ltd").check();
  await page.getByRole("checkbox", { name: /Acme Retail ZAR operating/ }).check();
}

/** Both widths the product is looked at in. */
async function shots(page: Page, name: string) {
  for (const width of [1280, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1360, height: 860 });
}

test.describe("the key wizard keeps work", () => {
  test("the step is in the address: Back and Forward move between steps, a reload keeps what the data allows", async ({ page }) => {
    await openWizard(page);
    await page.getByLabel("Alias").fill("History walker");
    await page.getByLabel("Application").selectOption({ label: "Treasury bot" });
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page).toHaveURL(/\/keys\/new\?step=access$/);
    await chooseRetailZar(page);
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByRole("heading", { name: "Choose what it may do" })).toBeVisible();
    await expect(page).toHaveURL(/\?step=permissions$/);

    // The browser's Back moves one step back, with everything still entered.
    await page.goBack();
    await expect(page.getByRole("heading", { name: "Choose what it can reach" })).toBeVisible();
    await expect(page).toHaveURL(/\?step=access$/);
    await expect(page.getByRole("checkbox", { name: /Acme Retail ZAR operating/ })).toBeChecked();
    await page.goBack();
    await expect(page.getByRole("heading", { name: "Name the key" })).toBeVisible();
    await expect(page).toHaveURL(/\/keys\/new$/);
    await expect(page.getByLabel("Alias")).toHaveValue("History walker");
    await expect(page.getByLabel("Application").locator("option:checked")).toHaveText("Treasury bot");
    // …and Forward forward again.
    await page.goForward();
    await expect(page.getByRole("heading", { name: "Choose what it can reach" })).toBeVisible();
    await page.goForward();
    await expect(page.getByRole("heading", { name: "Choose what it may do" })).toBeVisible();

    // The wizard's own Back and the browser's agree.
    await page.getByRole("button", { name: "Back" }).click();
    await expect(page).toHaveURL(/\?step=access$/);
    await page.goForward();
    await expect(page.getByRole("heading", { name: "Choose what it may do" })).toBeVisible();

    // Forward past a step that is no longer complete lands on that step.
    await page.goBack();
    await expect(page.getByRole("heading", { name: "Choose what it can reach" })).toBeVisible();
    await page.getByRole("checkbox", { name: /Acme Retail ZAR operating/ }).uncheck();
    await page.goForward();
    await expect(page).toHaveURL(/\?step=access$/);
    await expect(page.getByRole("heading", { name: "Choose what it can reach" })).toBeVisible();
    await expect(page.getByText("Choose at least one account")).toBeVisible();

    // A reload warns first; the entries are gone after it, so the wizard starts again at Details and says why.
    const warned = new Promise<string>((resolve) =>
      page.once("dialog", async (dialog) => {
        resolve(dialog.type());
        await dialog.accept();
      }),
    );
    await page.reload();
    expect(await warned).toBe("beforeunload");
    await expect(page.getByRole("heading", { name: "Name the key" })).toBeVisible();
    await expect(page).toHaveURL(/\/keys\/new$/);
    await expect(page.getByText("What you entered was not kept when the page reloaded")).toBeVisible();
  });

  test("leaving a started wizard through the portal's links asks first", async ({ page }) => {
    await openWizard(page);
    // Nothing entered yet: the sidebar just goes.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
    await expect(page).toHaveURL(/\/audit/);
    await page.goto("/keys/new");
    await page.getByLabel("Alias").fill("Half-made key");

    let asked = "";
    page.once("dialog", async (dialog) => {
      asked = dialog.message();
      await dialog.dismiss();
    });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API keys" }).click();
    await expect.poll(() => asked).toContain("The key you started is not created yet");
    await expect(page).toHaveURL(/\/keys\/new$/);
    await expect(page.getByLabel("Alias")).toHaveValue("Half-made key");

    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Members" }).click();
    await expect(page).toHaveURL(/\/members$/);
  });

  test("a taken alias is refused on the Alias field when Details is submitted, before the PIN", async ({ page }) => {
    await openWizard(page);
    await page.getByLabel("Alias").fill("ERP nightly sync");
    await page.getByLabel("Application").selectOption({ label: "ERP integration" });
    await page.getByRole("button", { name: "Continue" }).click();
    const alias = page.getByLabel("Alias");
    await expect(alias).toHaveAccessibleDescription("An active key in ERP integration is already called “ERP nightly sync”. Choose another alias.");
    await expect(alias).toHaveAttribute("aria-invalid", "true");
    await expect(alias).toBeFocused();
    await expect(page.getByRole("heading", { name: "Name the key" })).toBeVisible();
    await expect(page).toHaveURL(/\/keys\/new$/);
    await shots(page, "wizard-alias-taken");

    // The same alias is free in the organisation's other application.
    await page.getByLabel("Application").selectOption({ label: "Treasury bot" });
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByRole("heading", { name: "Choose what it can reach" })).toBeVisible();
  });

  test("an application the server refuses is shown on the Application field, never a silent stop", async ({ page }) => {
    await openWizard(page);
    // Stand in for an application that vanished between loading the page and pressing Continue.
    await page.route(/\/keys\/new(\?|$)/, async (route) => {
      const request = route.request();
      if (request.method() === "POST" && request.headers()["next-action"]) {
        const body = (request.postData() ?? "").replace(/"applicationId":"[0-9a-f-]{36}"/, '"applicationId":"00000000-0000-4000-8000-00000000dead"');
        await route.continue({ postData: body });
      } else await route.continue();
    });
    await page.getByLabel("Alias").fill("Orphan key");
    await page.getByRole("button", { name: "Continue" }).click();
    const application = page.getByLabel("Application");
    await expect(application).toHaveAccessibleDescription("Choose one of your applications");
    await expect(application).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("heading", { name: "Name the key" })).toBeVisible();
  });
});

test.describe("presets per product group and the third-party warning", () => {
  test("each product group has its own preset; one that grants nothing says why; the warning shows in review and with the secret", async ({ page }) => {
    await openWizard(page);
    await shots(page, "wizard-1-details");
    await page.getByLabel("Alias").fill("Per-group presets");
    await page.getByLabel("Application").selectOption({ label: "Treasury bot" });
    await page.getByRole("button", { name: "Continue" }).click();
    await chooseRetailZar(page);
    await shots(page, "wizard-2-access");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByRole("heading", { name: "Choose what it may do" })).toBeVisible();

    // Account information has nothing to edit: Write is disabled there, with the reason beside it.
    const information = groupPresets(page, "Account information");
    await expect(information.getByRole("radio", { name: "Write" })).toBeDisabled();
    await expect(information.getByRole("radio", { name: "Write" })).toHaveAccessibleDescription("Account information has nothing to edit");
    await expect(page.getByText("Account information has nothing to edit")).toBeVisible();
    await expect(information.getByRole("radio", { name: "Full access" })).toBeDisabled();
    await expect(information.getByRole("radio", { name: "Full access" })).toHaveAccessibleDescription("Full access is the same as Read-only here");

    // Write on Payments alone: both edits, no views, the other groups untouched.
    await groupPresets(page, "Payments").getByRole("radio", { name: "Write" }).click();
    await expect(groupPresets(page, "Payments").getByRole("radio", { name: "Write" })).toHaveAttribute("aria-checked", "true");
    await expect(page.getByRole("checkbox", { name: "Edit transfers" })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "Edit payments" })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "View payments" })).not.toBeChecked();
    await expect(page.getByRole("checkbox", { name: "View balances" })).not.toBeChecked();
    await expect(page.getByRole("checkbox", { name: "View card code" })).not.toBeChecked();
    await expect(customPermissions(page)).toBeVisible();
    await expect(allPresets(page).getByRole("radio", { checked: true })).toHaveCount(0);

    // Read-only on Account information, from the keyboard: one tab stop, Space chooses.
    await information.getByRole("radio", { name: "Read-only" }).focus();
    await page.keyboard.press("Space");
    await expect(information.getByRole("radio", { name: "Read-only" })).toHaveAttribute("aria-checked", "true");
    await expect(page.getByRole("checkbox", { name: "View balances" })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "View tax certificates" })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "Edit payments" })).toBeChecked();
    // Arrow keys move within the Cards group and choose.
    const cards = groupPresets(page, "Cards");
    await cards.getByRole("radio", { name: "Read-only" }).focus();
    await page.keyboard.press("ArrowRight");
    await expect(cards.getByRole("radio", { name: "Write" })).toBeFocused();
    await expect(cards.getByRole("radio", { name: "Write" })).toHaveAttribute("aria-checked", "true");
    await expect(page.getByRole("checkbox", { name: "Edit card code" })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "View card code" })).not.toBeChecked();
    await shots(page, "wizard-3-permissions");

    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByRole("heading", { name: "Review and create" })).toBeVisible();
    await expect(page).toHaveURL(/\?step=review$/);
    const review = page.getByTestId("third-party-warning");
    await expect(review).toContainText("Never give this key to a third party.");
    await expect(review).toContainText("Anyone holding it can act as your organisation");
    await expect(page.getByTestId("review-sentence")).toContainText("move money between its accounts");
    await shots(page, "wizard-4-review");

    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByRole("dialog", { name: "Create the key" }).getByLabel("Your 6-digit PIN").fill(pin("naledi@acme.example"));
    const modal = page.getByRole("dialog", { name: "“Per-group presets” is ready" });
    await expect(modal).toBeVisible();
    await expect(modal.getByTestId("third-party-warning")).toContainText(
      "Never give this key to a third party. Anyone holding it can act as your organisation",
    );
    await shots(page, "secret-modal");
    await modal.getByLabel("I have stored this key somewhere safe").check();
    // Done leaves without asking: the key exists now.
    await modal.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("heading", { name: "Per-group presets", level: 1 })).toBeVisible();
  });
});
