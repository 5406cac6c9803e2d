import { test, type Page } from "@playwright/test";
import { expectAccessible } from "./support/a11y";
import { expect, pin, signInAs, tabTo } from "./support/fixtures";

/**
 * Keyboard alone, through every flow that opens dialogs: after each dialog closes — by Escape, by
 * success, through chained dialogs — focus is back on the control that started the flow, or on the
 * new page's heading after a navigation. Never on <body>. axe-core checks every dialog state.
 */

const NALEDI = "naledi@acme.example";
const pinDialog = (page: Page) => page.getByRole("dialog").filter({ has: page.getByLabel("Your 6-digit PIN") });

async function focusIsNotLost(page: Page) {
  expect(await page.evaluate(() => document.activeElement?.tagName), "focus fell to the document").not.toBe("BODY");
}

test.describe("focus never gets lost when a dialog closes", () => {
  test("create, renew, regenerate and delete a key by keyboard", async ({ page }) => {
    test.slow();
    await signInAs(page, NALEDI);
    const alias = `Focus ${Date.now().toString(36)}`;

    // Create: the wizard's PIN dialog, then the secret modal, then the new key's page.
    await page.goto("/keys/new");
    await tabTo(page, page.getByLabel("Alias"));
    await page.keyboard.type(alias);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Choose what it can reach" })).toBeFocused();
    await tabTo(page, page.getByLabel("Acme Logistics (Pty) Ltd"));
    await page.keyboard.press("Space");
    await tabTo(page, page.getByRole("checkbox", { name: /Acme Logistics ZAR operating/ }));
    await page.keyboard.press("Space");
    await tabTo(page, page.getByRole("button", { name: "Continue" }));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Choose what it may do" })).toBeVisible();
    await tabTo(page, page.getByRole("radiogroup", { name: "Preset for all products" }).getByRole("radio", { name: "Read-only" }));
    await page.keyboard.press("Space");
    await tabTo(page, page.getByRole("button", { name: "Continue" }));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Review and create" })).toBeVisible();

    const create = page.getByRole("button", { name: "Create key" });
    await tabTo(page, create);
    await page.keyboard.press("Enter");
    await expect(page.getByLabel("Your 6-digit PIN")).toBeFocused();
    await expectAccessible(page, "the PIN dialog");
    await page.keyboard.press("Escape");
    await expect(pinDialog(page)).toBeHidden();
    await expect(create, "Escape returns focus to Create key").toBeFocused();

    await page.keyboard.press("Enter");
    await expect(page.getByLabel("Your 6-digit PIN")).toBeFocused();
    await page.keyboard.type(pin(NALEDI));
    const created = page.getByRole("dialog", { name: `“${alias}” is ready` });
    await expect(created).toBeVisible();
    await expectAccessible(page, "the secret modal");
    await tabTo(page, created.getByLabel("I have stored this key somewhere safe"));
    await page.keyboard.press("Space");
    await tabTo(page, created.getByRole("button", { name: "Done" }));
    await page.keyboard.press("Enter");
    const keyHeading = page.getByRole("heading", { level: 1, name: alias });
    await expect(keyHeading, "after the wizard, the new key's heading has focus").toBeFocused();

    // Renew: Escape, then success.
    const renew = page.getByRole("button", { name: "Renew", exact: true });
    await tabTo(page, renew);
    await page.keyboard.press("Enter");
    await expect(page.getByLabel("Your 6-digit PIN")).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(renew).toBeFocused();
    await page.keyboard.press("Enter");
    await page.keyboard.type(pin(NALEDI));
    await expect(page.getByText(`“${alias}” renewed until`)).toBeVisible();
    await expect(pinDialog(page)).toBeHidden();
    await expect(renew, "after renewing, focus is back on Renew").toBeFocused();

    // Regenerate: PIN → secret modal → Done.
    const regenerate = page.getByRole("button", { name: "Regenerate" });
    await tabTo(page, regenerate);
    await page.keyboard.press("Enter");
    await expect(page.getByLabel("Your 6-digit PIN")).toBeFocused();
    await page.keyboard.type(pin(NALEDI));
    const fresh = page.getByRole("dialog", { name: `New secret for “${alias}”` });
    await expect(fresh).toBeVisible();
    await tabTo(page, fresh.getByLabel("I have stored this key somewhere safe"));
    await page.keyboard.press("Space");
    await tabTo(page, fresh.getByRole("button", { name: "Done" }));
    await page.keyboard.press("Enter");
    await expect(fresh).toBeHidden();
    await expect(regenerate, "after the new secret, focus is back on Regenerate").toBeFocused();

    // Delete: the confirmation (Escape once), the PIN, then the key list's heading.
    const remove = page.getByRole("button", { name: "Delete" });
    await tabTo(page, remove);
    await page.keyboard.press("Enter");
    const confirm = page.getByRole("dialog", { name: `Delete “${alias}”?` });
    await expect(confirm.getByLabel(`Type “${alias}” to confirm`)).toBeFocused();
    await expectAccessible(page, "the delete confirmation");
    await page.keyboard.press("Escape");
    await expect(confirm).toBeHidden();
    await expect(remove).toBeFocused();
    await page.keyboard.press("Enter");
    await page.keyboard.type(alias);
    await page.keyboard.press("Enter");
    await expect(page.getByLabel("Your 6-digit PIN")).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(remove, "Escape from the PIN returns focus through the chain to Delete").toBeFocused();
    await page.keyboard.press("Enter");
    await page.keyboard.type(alias);
    await page.keyboard.press("Enter");
    await page.keyboard.type(pin(NALEDI));
    await expect(page).toHaveURL(/\/keys$/);
    await expect(page.getByRole("heading", { level: 1, name: "API keys" }), "after deleting, the key list's heading has focus").toBeFocused();
    await focusIsNotLost(page);
  });

  test("invite, withdraw and change a role by keyboard", async ({ page }) => {
    test.slow();
    await signInAs(page, NALEDI);
    await page.goto("/members");
    const email = `focus-${Date.now().toString(36)}@acme.example`;

    const invite = page.getByRole("button", { name: "Invite member" });
    await tabTo(page, invite);
    await page.keyboard.press("Enter");
    const form = page.getByRole("dialog", { name: "Invite a member" });
    await expect(form.getByLabel("Email address")).toBeFocused();
    await expectAccessible(page, "the invitation form");
    await page.keyboard.press("Escape");
    await expect(form).toBeHidden();
    await expect(invite).toBeFocused();

    await page.keyboard.press("Enter");
    await page.keyboard.type(email);
    await tabTo(page, form.getByRole("button", { name: "Continue" }));
    await page.keyboard.press("Enter");
    await expect(page.getByLabel("Your 6-digit PIN")).toBeFocused();
    await page.keyboard.type(pin(NALEDI));
    const link = page.getByRole("dialog", { name: "Invitation link" });
    await expect(link).toBeVisible();
    await expectAccessible(page, "the invitation link");
    await tabTo(page, link.getByLabel("I have stored this invitation link somewhere safe"));
    await page.keyboard.press("Space");
    await tabTo(page, link.getByRole("button", { name: "Done" }));
    await page.keyboard.press("Enter");
    await expect(link).toBeHidden();
    await expect(invite, "after the invitation link, focus is back on Invite member").toBeFocused();

    // Withdrawing removes the row and its button: the list's heading takes focus.
    const withdraw = page.getByRole("button", { name: `Withdraw the invitation to ${email}` });
    await tabTo(page, withdraw);
    await page.keyboard.press("Enter");
    await expect(withdraw).toBeHidden();
    await expect(page.getByRole("heading", { name: "Pending invitations" })).toBeFocused();

    // Change role: form → PIN (Escape once) → success, and back.
    const change = page.getByRole("button", { name: "Change role of Newcomer 2" });
    for (const role of ["Viewer", "Developer"]) {
      await tabTo(page, change);
      await page.keyboard.press("Enter");
      const dialog = page.getByRole("dialog", { name: "Change Newcomer 2’s role" });
      await expect(dialog).toBeVisible();
      await expectAccessible(page, "the change-role form");
      await dialog.getByLabel("Role").selectOption({ label: role });
      await tabTo(page, dialog.getByRole("button", { name: "Continue" }));
      await page.keyboard.press("Enter");
      await expect(page.getByLabel("Your 6-digit PIN")).toBeFocused();
      if (role === "Viewer") {
        await page.keyboard.press("Escape");
        await expect(change, "Escape from the PIN returns focus to Change role").toBeFocused();
        await page.keyboard.press("Enter");
        await dialog.getByLabel("Role").selectOption({ label: role });
        await tabTo(page, dialog.getByRole("button", { name: "Continue" }));
        await page.keyboard.press("Enter");
      }
      await page.keyboard.type(pin(NALEDI));
      await expect(page.getByText(`Newcomer 2 is now ${role}`)).toBeVisible();
      await expect(change, `after changing the role to ${role}, focus is back on Change role`).toBeFocused();
    }
  });
});
