import { type BrowserContext, type Page, test } from "@playwright/test";
import { expectAccessible, expectNoSidewaysScroll } from "./support/a11y";
import { expect, screenshot, signInAs, startAcmeRetailKey, tabTo } from "./support/fixtures";
import { E2E_PASSKEY_PERSON, E2E_PASSWORD } from "./support/people";

// One person, one passkey list: the two journeys take turns.
test.describe.configure({ mode: "serial" });

/** Chromium's virtual authenticator: a platform passkey that verifies its user (as Touch ID would). */
async function addAuthenticator(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials };
}

const passkeyList = (page: Page) => page.getByRole("list", { name: "Your passkeys" });

test("add a passkey with the PIN, create a key confirmed by it, see the audit row name it, remove it", async ({ page, context }) => {
  const authenticator = await addAuthenticator(context, page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signInAs(page, E2E_PASSKEY_PERSON.email, E2E_PASSWORD);

  await page.goto("/settings");
  await expect(page.getByText("No passkeys yet.")).toBeVisible();
  await page.getByRole("button", { name: "Add a passkey" }).click();
  const form = page.getByRole("dialog", { name: "Add a passkey" });
  // A name is needed, and is checked before the PIN is asked for.
  await form.getByRole("button", { name: "Continue" }).click();
  await expect(form.getByText("Name the passkey")).toBeVisible();
  await form.getByLabel("Name").fill("E2E laptop");
  await form.getByRole("button", { name: "Continue" }).click();
  // No passkey yet: the PIN confirms the first one.
  const confirm = page.getByRole("dialog", { name: "Confirm it is you" });
  await expect(confirm.getByRole("button", { name: "Use passkey" })).toHaveCount(0);
  await confirm.getByLabel("Your 6-digit PIN").fill(E2E_PASSKEY_PERSON.pin);
  await expect(passkeyList(page).getByText("E2E laptop", { exact: true })).toBeVisible();
  await expect(passkeyList(page)).toContainText("Not used yet");
  expect(await authenticator.credentials()).toHaveLength(1);
  await expectAccessible(page, "settings with a passkey");
  await screenshot(page, "passkeys-settings-1280");

  // A key created with the passkey: offered first, the PIN second.
  const alias = `e2e passkey key ${Date.now()}`;
  await startAcmeRetailKey(page, alias);
  await page.getByRole("radiogroup", { name: "Preset for all products" }).getByRole("radio", { name: "Read-only" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Create key" }).click();
  const stepUp = page.getByRole("dialog", { name: "Create the key" });
  const usePasskey = stepUp.getByRole("button", { name: "Use passkey" });
  await expect(usePasskey).toBeFocused();
  const buttons = await stepUp.getByRole("button").allTextContents();
  expect(buttons.indexOf("Use passkey")).toBeLessThan(buttons.indexOf("Use PIN instead"));
  await expect(stepUp.getByLabel("Your 6-digit PIN")).toHaveCount(0);
  await expectAccessible(page, "the step-up dialog at 1280 px");
  await screenshot(page, "passkeys-step-up-1280");
  await usePasskey.click();
  const modal = page.getByRole("dialog", { name: `“${alias}” is ready` });
  await expect(modal.getByTestId("new-secret")).toBeVisible();
  await modal.getByLabel("I have stored this key somewhere safe").check();
  await modal.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("heading", { level: 1, name: alias })).toBeVisible();

  // The audit log names the passkey that confirmed the key.
  await page.goto("/audit");
  const row = page.getByRole("row").filter({ hasText: E2E_PASSKEY_PERSON.email }).filter({ hasText: "Confirmed with the passkey “E2E laptop”" }).first();
  await expect(row).toBeVisible();
  await screenshot(page, "passkeys-audit-1280");

  // Removed with the passkey itself; then the PIN is all there is.
  await page.goto("/settings");
  await expect(passkeyList(page)).toContainText("Last used");
  await passkeyList(page).getByRole("button", { name: "Remove the passkey E2E laptop" }).click();
  const remove = page.getByRole("dialog", { name: "Remove the passkey “E2E laptop”?" });
  await remove.getByRole("button", { name: "Use passkey" }).click();
  await expect(page.getByText("No passkeys yet.")).toBeVisible();
});

for (const width of [390, 1280]) {
  test(`from the keyboard alone at ${width} px: add a passkey, then confirm with the PIN instead of it`, async ({ page, context }) => {
    await addAuthenticator(context, page);
    await page.setViewportSize({ width, height: 844 });
    await signInAs(page, E2E_PASSKEY_PERSON.email, E2E_PASSWORD);
    await page.goto("/settings");

    const add = page.getByRole("button", { name: "Add a passkey" });
    await tabTo(page, add, 120);
    await page.keyboard.press("Enter");
    await expect(page.getByLabel("Name")).toBeFocused();
    await page.keyboard.type(`E2E device ${width}`);
    await page.keyboard.press("Enter");
    const confirm = page.getByRole("dialog", { name: "Confirm it is you" });
    await expect(confirm.getByLabel("Your 6-digit PIN")).toBeFocused();
    await page.keyboard.type(E2E_PASSKEY_PERSON.pin);
    await expect(passkeyList(page).getByText(`E2E device ${width}`, { exact: true })).toBeVisible();
    await expectNoSidewaysScroll(page, `passkeys-settings-${width}`);
    await screenshot(page, `passkeys-settings-keyboard-${width}`);

    // The step-up dialog by keyboard: the passkey first, the PIN one Tab away.
    const remove = passkeyList(page).getByRole("button", { name: `Remove the passkey E2E device ${width}` });
    await tabTo(page, remove, 120);
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: `Remove the passkey “E2E device ${width}”?` });
    await expect(dialog.getByRole("button", { name: "Use passkey" })).toBeFocused();
    await expectAccessible(page, `the step-up dialog at ${width} px`);
    await screenshot(page, `passkeys-step-up-keyboard-${width}`);
    await page.keyboard.press("Tab");
    await expect(dialog.getByRole("button", { name: "Use PIN instead" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(dialog.getByLabel("Your 6-digit PIN")).toBeFocused();
    await page.keyboard.type(E2E_PASSKEY_PERSON.pin);
    await expect(page.getByText("No passkeys yet.")).toBeVisible();
  });
}
