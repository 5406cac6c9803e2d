import { test, type Page } from "@playwright/test";
import { expectAccessible, expectNoSidewaysScroll } from "./support/a11y";
import { createReviewedKey, expect, pin, screenshot, signInAs, startAcmeRetailKey } from "./support/fixtures";

/**
 * Maker-checker as people use it: the Superadmin turns it on with her PIN; an Admin makes a key that
 * can move money, sees it wait and cannot approve it himself; the API refuses it until the
 * Superadmin approves it on the key's page with her PIN; then it works.
 */

const NALEDI = "naledi@acme.example";
const PIETER = "pieter@acme.example";

async function shoot(page: Page, name: string) {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await expectNoSidewaysScroll(page, `${name} at ${width} px`);
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1360, height: 860 });
}

async function setSecondPerson(page: Page, on: boolean) {
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "Keys that can move money need a second person" });
  const button = section.getByRole("button", { name: on ? "Turn on" : "Turn off" });
  if (!(await button.isVisible())) return;
  await button.click();
  await page.getByLabel("Your 6-digit PIN").fill(pin(NALEDI));
  await expect(section.getByTestId("key-approval-state")).toContainText(on ? "On" : "Off");
}

test.describe.configure({ mode: "serial" });

test("a key that can move money waits for a second member, who approves it with their PIN", async ({ browser, request }) => {
  test.slow();
  const naledisBrowser = await browser.newContext();
  const pietersBrowser = await browser.newContext();
  const naledi = await naledisBrowser.newPage();
  const pieter = await pietersBrowser.newPage();
  try {
    // Naledi (Superadmin) turns it on.
    await signInAs(naledi, NALEDI);
    await naledi.goto("/settings");
    const section = naledi.getByRole("region", { name: "Keys that can move money need a second person" });
    await expect(section.getByTestId("key-approval-state")).toContainText("Off");
    await section.getByRole("button", { name: "Turn on" }).click();
    await expect(naledi.getByRole("dialog", { name: "Require a second person for money keys" })).toBeVisible();
    await naledi.getByLabel("Your 6-digit PIN").fill(pin(NALEDI));
    await expect(section.getByTestId("key-approval-state")).toContainText("On");
    await expect(section.getByRole("button", { name: "Turn off" })).toBeVisible();
    await expectAccessible(naledi, "settings with the second person on");
    await section.scrollIntoViewIfNeeded();
    await shoot(naledi, "maker-checker-settings");

    // Pieter (Admin) sees the setting but may not change it.
    await signInAs(pieter, PIETER);
    await pieter.goto("/settings");
    const his = pieter.getByRole("region", { name: "Keys that can move money need a second person" });
    await expect(his.getByText("Only the Superadmin can change this setting")).toBeVisible();
    await expect(his.getByRole("button")).toHaveCount(0);

    // Pieter makes a key that can make payments.
    const alias = `Payouts ${Date.now().toString(36)}`;
    await startAcmeRetailKey(pieter, alias);
    await pieter.getByRole("radiogroup", { name: "Account information preset" }).getByRole("radio", { name: "Read-only" }).click();
    await pieter.getByRole("radiogroup", { name: "Payments preset" }).getByRole("radio", { name: "Write" }).click();
    await pieter.getByRole("button", { name: "Continue" }).click();
    const secret = await createReviewedKey(pieter, PIETER, alias);
    const keyUrl = pieter.url();

    // It waits, and Pieter cannot approve it.
    const notice = pieter.getByRole("region", { name: "Waiting for a second member's approval" });
    await expect(notice.getByText("Waiting for approval", { exact: true })).toBeVisible();
    await expect(notice.getByText("You created this key, so another member must approve it")).toBeVisible();
    await expect(pieter.getByRole("button", { name: /^Approve/ })).toHaveCount(0);
    await expect(pieter.getByRole("button", { name: /^Reject/ })).toHaveCount(0);

    const refused = await request.get("/api/v1/accounts", { headers: { "x-api-key": secret } });
    expect(refused.status()).toBe(403);
    expect((await refused.json()).error.code).toBe("key_pending_approval");

    // The list marks it, and links to the queue.
    await pieter.goto("/keys");
    await expect(pieter.getByRole("row", { name: new RegExp(alias) }).getByText("Waiting for approval")).toBeVisible();
    await pieter.getByRole("link", { name: "Key approvals" }).click();
    await expect(pieter.getByRole("heading", { level: 1, name: "Key approvals" })).toBeVisible();
    const queued = pieter.getByRole("row", { name: new RegExp(alias) });
    await expect(queued.getByText("You created this key, so another member must approve it.")).toBeVisible();
    await expectAccessible(pieter, "the key approvals queue");
    await shoot(pieter, "maker-checker-queue");

    // Naledi approves it on the key's page with her PIN.
    await naledi.goto(keyUrl);
    const hers = naledi.getByRole("region", { name: "Waiting for a second member's approval" });
    await expect(hers.getByRole("button", { name: `Approve “${alias}”` })).toBeVisible();
    await expectAccessible(naledi, "a key waiting for approval");
    await shoot(naledi, "maker-checker-pending-key");
    await hers.getByRole("button", { name: `Approve “${alias}”` }).click();
    await naledi.getByLabel("Your 6-digit PIN").fill(pin(NALEDI));
    await expect(naledi.getByText(`“${alias}” is approved and works now`)).toBeVisible();
    await expect(naledi.getByRole("region", { name: "Waiting for a second member's approval" })).toHaveCount(0);

    const accepted = await request.get("/api/v1/accounts", { headers: { "x-api-key": secret } });
    expect(accepted.status(), await accepted.text()).toBe(200);
    await naledi.reload();
    await expect(naledi.getByRole("row", { name: /Approved an API key that can move money/ })).toBeVisible();
  } finally {
    // Other tests make money keys: the setting goes off again.
    await setSecondPerson(naledi, false);
    await naledisBrowser.close();
    await pietersBrowser.close();
  }
});
