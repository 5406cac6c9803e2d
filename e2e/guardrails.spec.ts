import { test, type Page } from "@playwright/test";
import { expectAccessible, expectNoSidewaysScroll } from "./support/a11y";
import { createReviewedKey, expect, pin, screenshot, signInAs, startAcmeRetailKey, tabTo } from "./support/fixtures";

/**
 * Key guardrails as a person uses them: an IP allowlist set in the wizard (by keyboard), shown and
 * changed on the key page with the PIN and felt by the API on the next call; a regeneration whose
 * old secret keeps working for 24 hours, until it is stopped early.
 */

const PIETER = "pieter@acme.example";

async function shoot(page: Page, name: string) {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await expectNoSidewaysScroll(page, `${name} at ${width} px`);
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1360, height: 860 });
}

test.describe.configure({ mode: "serial" });

test.describe("key guardrails", () => {
  test("an allowlist set in the wizard by keyboard, refused from here, changed on the key page, then accepted", async ({ page, request }) => {
    test.slow();
    await signInAs(page, PIETER);
    const alias = `Guarded ${Date.now().toString(36)}`;
    await page.goto("/keys/new");
    await tabTo(page, page.getByLabel("Alias"));
    await page.keyboard.type(alias);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Choose what it can reach" })).toBeFocused();
    await tabTo(page, page.getByLabel("Acme Retail (Pty) Ltd"));
    await page.keyboard.press("Space");
    await tabTo(page, page.getByRole("checkbox", { name: /Acme Retail ZAR operating/ }));
    await page.keyboard.press("Space");

    // Overlapping ranges are named on the field, and focus goes there.
    const allowlist = page.getByLabel("Allowed IP addresses (optional)");
    await tabTo(page, allowlist);
    await page.keyboard.type("10.0.0.0/8\n10.1.0.0/16");
    await tabTo(page, page.getByRole("button", { name: "Continue" }));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("alert").filter({ hasText: "10.1.0.0/16 is already inside 10.0.0.0/8: keep one of them" })).toBeVisible();
    await expect(allowlist).toHaveAttribute("aria-invalid", "true");
    await expect(allowlist).toBeFocused();
    await expectAccessible(page, "the wizard's allowlist with an error");
    await shoot(page, "guardrails-wizard-allowlist-error");
    await allowlist.fill("10.1.2.3/8");
    await expect(allowlist).not.toHaveAttribute("aria-invalid", "true");
    await tabTo(page, page.getByRole("button", { name: "Continue" }));
    await page.keyboard.press("Enter");

    await expect(page.getByRole("heading", { name: "Choose what it may do" })).toBeVisible();
    await tabTo(page, page.getByRole("radiogroup", { name: "Preset for all products" }).getByRole("radio", { name: "Read-only" }));
    await page.keyboard.press("Space");
    await tabTo(page, page.getByRole("button", { name: "Continue" }));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Review and create" })).toBeVisible();
    await expect(page.getByTestId("review-allowlist")).toHaveText("Only from 10.0.0.0/8");
    await expect(page.getByTestId("review-sentence")).toContainText("It can be used only from 10.0.0.0/8.");
    await shoot(page, "guardrails-wizard-review");

    await tabTo(page, page.getByRole("button", { name: "Create key" }));
    await page.keyboard.press("Enter");
    await page.keyboard.type(pin(PIETER));
    const modal = page.getByRole("dialog", { name: `“${alias}” is ready` });
    const secret = (await modal.getByTestId("new-secret").textContent())!.trim();
    await modal.getByLabel("I have stored this key somewhere safe").check();
    await modal.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("heading", { level: 1, name: alias })).toBeVisible();
    await expect(page.getByTestId("key-allowlist")).toContainText("Only from 10.0.0.0/8");

    const refused = await request.get("/api/v1/accounts", { headers: { "x-api-key": secret } });
    expect(refused.status()).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("ip_not_allowed");

    // Change it on the key page: a bad entry first, then this machine's loopback.
    const change = page.getByRole("button", { name: `Change where “${alias}” may be used from` });
    await change.click();
    const form = page.getByRole("dialog", { name: "Where the key may be used from" });
    await expect(form.getByLabel("Allowed IP addresses")).toHaveValue("10.0.0.0/8");
    await form.getByLabel("Allowed IP addresses").fill("localhost");
    await form.getByRole("button", { name: "Continue" }).click();
    await expect(form.getByText("“localhost” is not an IPv4 or IPv6 address or a CIDR range")).toBeVisible();
    await form.getByLabel("Allowed IP addresses").fill("127.0.0.1\n::1");
    await expectAccessible(page, "the allowlist dialog");
    await form.getByRole("button", { name: "Continue" }).click();
    await page.getByLabel("Your 6-digit PIN").fill(pin(PIETER));
    await expect(page.getByTestId("key-allowlist")).toContainText("Only from 127.0.0.1 and ::1");
    await expect(change).toBeFocused();
    await shoot(page, "guardrails-key-page");

    const accepted = await request.get("/api/v1/accounts", { headers: { "x-api-key": secret } });
    expect(accepted.status()).toBe(200);
    await page.reload();
    await expect(page.getByRole("row", { name: /Changed where an API key may be used from/ })).toBeVisible();
  });

  test("regenerate with a 24-hour overlap: both secrets work until the old one is stopped early", async ({ page, request }) => {
    test.slow();
    await signInAs(page, PIETER);
    const alias = `Rolled ${Date.now().toString(36)}`;
    await startAcmeRetailKey(page, alias);
    await page.getByRole("radiogroup", { name: "Preset for all products" }).getByRole("radio", { name: "Read-only" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    const oldSecret = await createReviewedKey(page, PIETER, alias);

    await page.getByRole("button", { name: "Regenerate" }).click();
    const dialog = page.getByRole("dialog", { name: `Regenerate “${alias}”` });
    await expect(page.getByLabel("Your 6-digit PIN")).toBeFocused();
    await dialog.getByLabel("When the old secret stops working").selectOption({ label: "After 24 hours" });
    await expect(dialog).toContainText("keep working for 24 hours, then stop");
    await expectAccessible(page, "the regenerate dialog with an overlap");
    await shoot(page, "guardrails-regenerate-overlap");
    await dialog.getByLabel("Your 6-digit PIN").fill(pin(PIETER));
    const fresh = page.getByRole("dialog", { name: `New secret for “${alias}”` });
    const newSecret = (await fresh.getByTestId("new-secret").textContent())!.trim();
    await fresh.getByLabel("I have stored this key somewhere safe").check();
    await fresh.getByRole("button", { name: "Done" }).click();
    await expect(page.getByText(/Key regenerated\. The old secret works until/)).toBeVisible();

    const oldRow = page.getByTestId("old-secret");
    await expect(oldRow).toContainText(`${oldSecret.slice(0, 12)}… keeps working until`);
    await expect(oldRow).toContainText("in 1 day");
    for (const secret of [oldSecret, newSecret]) {
      expect((await request.get("/api/v1/accounts", { headers: { "x-api-key": secret } })).status()).toBe(200);
    }
    await shoot(page, "guardrails-old-secret");

    await oldRow.getByRole("button", { name: "Stop the old secret now" }).click();
    await page.getByLabel("Your 6-digit PIN").fill(pin(PIETER));
    await expect(oldRow).toBeHidden();
    expect((await request.get("/api/v1/accounts", { headers: { "x-api-key": oldSecret } })).status()).toBe(401);
    expect((await request.get("/api/v1/accounts", { headers: { "x-api-key": newSecret } })).status()).toBe(200);
  });

  test("payment limits set in the wizard, felt by the API with what is left today, shown and changed on the key page", async ({ page, request }) => {
    test.slow();
    await signInAs(page, PIETER);
    const alias = `Limited ${Date.now().toString(36)}`;
    await startAcmeRetailKey(page, alias);

    // The limits appear only once the key can move money.
    await page.getByRole("radiogroup", { name: "Preset for all products" }).getByRole("radio", { name: "Read-only" }).click();
    await expect(page.getByLabel("Most per day (ZAR)")).toHaveCount(0);
    await page.getByRole("radiogroup", { name: "Preset for all products" }).getByRole("radio", { name: "Full access" }).click();
    const perPayment = page.getByLabel("Most per transfer or payment (ZAR)");
    const perDay = page.getByLabel("Most per day (ZAR)");
    // By keyboard, as the rest of the wizard.
    await tabTo(page, perPayment);
    await page.keyboard.type("1oo");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Enter an amount such as 5000 or 5000.00" })).toBeVisible();
    await expect(perPayment).toHaveAttribute("aria-invalid", "true");
    await expect(perPayment).toBeFocused();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type("100");
    // Corrected, the message goes as the field changes.
    await expect(perPayment).not.toHaveAttribute("aria-invalid", "true");
    await tabTo(page, perDay);
    await page.keyboard.type("150.00");
    await expectAccessible(page, "the wizard's payment limits");
    await shoot(page, "guardrails-wizard-limits");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByTestId("review-limits")).toHaveText(/^At most R\s?100,00 a payment and R\s?150,00 a day$/);
    await expect(page.getByTestId("review-sentence")).toContainText(/It moves at most R\s?100,00 a payment and R\s?150,00 a day\./);
    const secret = await createReviewedKey(page, PIETER, alias);
    await expect(page.getByTestId("key-limits")).toContainText(/At most R\s?100,00 a payment and R\s?150,00 a day/);
    await expect(page.getByTestId("key-limits-today")).toHaveText("Today (UTC): nothing moved yet");

    const headers = { "x-api-key": secret };
    const account = ((await (await request.get("/api/v1/accounts", { headers })).json()) as { accounts: { id: string }[] }).accounts[0]!.id;
    const pay = (amount: number) =>
      request.post(`/api/v1/accounts/${account}/payments`, {
        headers,
        data: { amount, beneficiaryName: "Limit check", accountNumber: "62000000001", bankCode: "250655", reference: "Limit check" },
      });
    const tooBig = await pay(10_001);
    expect(tooBig.status()).toBe(403);
    expect(((await tooBig.json()) as { error: { code: string } }).error.code).toBe("limit_exceeded");
    expect((await pay(10_000)).status()).toBe(201);
    const overDay = await pay(10_000);
    expect(overDay.status()).toBe(403);
    expect(((await overDay.json()) as { error: { message: string } }).error.message).toMatch(/R\s?50,00 left today/);

    await page.reload();
    await expect(page.getByTestId("key-limits-today")).toHaveText(/Today \(UTC\): R\s?100,00 of R\s?150,00 used/);
    await page.getByRole("button", { name: `Change the payment limits of “${alias}”` }).click();
    const dialog = page.getByRole("dialog", { name: "Payment limits" });
    await expect(dialog.getByLabel("Most per day (ZAR)")).toHaveValue("150.00");
    await dialog.getByLabel("Most per day (ZAR)").fill("300");
    await expectAccessible(page, "the payment limits dialog");
    await dialog.getByRole("button", { name: "Continue" }).click();
    await page.getByLabel("Your 6-digit PIN").fill(pin(PIETER));
    await expect(page.getByTestId("key-limits")).toContainText(/R\s?300,00 a day/);
    await shoot(page, "guardrails-key-limits");
    expect((await pay(10_000)).status()).toBe(201);
  });
});
