import { createHash, createPrivateKey, sign } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible } from "./support/a11y";
import { createReviewedKey, pin, screenshot, signInAs, startAcmeRetailKey } from "./support/fixtures";
import { E2E_PARTNER_KEY_ID, E2E_PARTNER_PRIVATE_KEY_PEM_TEST_ONLY } from "./support/secret-scanning-test-key";

const NALEDI = "naledi@acme.example";
const partnerKey = createPrivateKey(E2E_PARTNER_PRIVATE_KEY_PEM_TEST_ONLY);

/** The page at both widths it is designed for, looked at and checked with axe. */
async function shootBoth(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `${name}-${width}`);
    await expectAccessible(page, `${name} at ${width} px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** A new Acme key made through the wizard; its secret, and its page open. */
async function newKey(page: Page, alias: string): Promise<string> {
  await startAcmeRetailKey(page, alias);
  await page.getByRole("radiogroup", { name: "Preset for all products" }).getByRole("radio", { name: "Read-only" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  return createReviewedKey(page, NALEDI, alias);
}

async function apiCode(page: Page, secret: string): Promise<string> {
  const response = await page.request.get("/api/v1/accounts", { headers: { "x-api-key": secret } });
  return response.ok() ? "ok" : ((await response.json()) as { error: { code: string } }).error.code;
}

function listRow(page: Page, alias: string) {
  return page
    .getByRole("table", { name: "API keys" })
    .getByRole("row")
    .filter({ has: page.getByRole("link", { name: alias, exact: true }) });
}

test.describe("a leaked key", () => {
  test("is reported by hand from its page with the PIN: frozen, shown where and when, and offered only Regenerate or Delete", async ({ page }) => {
    // The longest journey here: a key made, reported, looked at in two widths in two places, then regenerated.
    test.setTimeout(180_000);
    const alias = `Leaked by hand ${Date.now().toString(36)}`;
    await page.setViewportSize({ width: 1280, height: 900 });
    await signInAs(page, NALEDI);
    const secret = await newKey(page, alias);
    expect(await apiCode(page, secret)).toBe("ok");

    const report = page.getByRole("button", { name: "Report as leaked" });
    const dialog = page.getByRole("dialog", { name: `Report “${alias}” as leaked` });
    // The dialog at both widths, before anything is sent.
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await report.click();
      await expect(dialog).toBeVisible();
      await expect(dialog.getByLabel("Your 6-digit PIN")).toBeFocused();
      await dialog.getByLabel("Where was it found? (optional)").fill("pasted in the #ops chat");
      await screenshot(page, `leak-report-dialog-${width}`);
      await expectAccessible(page, `the report-as-leaked dialog at ${width} px`);
      await page.keyboard.press("Escape");
      await expect(dialog).toBeHidden();
    }
    expect(await apiCode(page, secret)).toBe("ok");

    await report.click();
    await dialog.getByLabel("Where was it found? (optional)").fill("pasted in the #ops chat");
    await dialog.getByLabel("Your 6-digit PIN").fill("000000");
    await expect(dialog.getByRole("alert")).toBeVisible();
    expect(await apiCode(page, secret)).toBe("ok");
    await dialog.getByLabel("Your 6-digit PIN").fill(pin(NALEDI));
    await expect(page.getByText(`“${alias}” is frozen as leaked`)).toBeVisible();

    const notice = page.getByTestId("leak-notice");
    await expect(notice).toContainText("This key was found in public and is frozen.");
    await expect(notice).toContainText("pasted in the #ops chat");
    await expect(notice).toContainText("reported by Naledi");
    await expect(notice).toContainText(/Found on \d{1,2} \w{3} \d{4}/);
    await expect(page.locator("dd").filter({ has: page.getByText("Leaked", { exact: true }) })).toBeVisible();
    await expect(page.getByRole("button", { name: "Renew" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Report as leaked" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Regenerate" })).toBeEnabled();
    await expect(page.getByRole("button", { name: "Delete" })).toBeEnabled();
    expect(await apiCode(page, secret)).toBe("key_leaked");
    await shootBoth(page, "leak-key-page");

    // The list: the key is Leaked, with where it was found, under the Leaked filter and not under Frozen.
    await page.goto("/keys?status=leaked");
    const row = listRow(page, alias);
    await expect(row).toContainText("Leaked");
    await expect(row.getByTestId("leak-reason")).toHaveText("Found in public at pasted in the #ops chat");
    await expect(page.getByRole("status", { name: "Leaked keys" })).toBeVisible();
    await expect(page.getByLabel("Status")).toHaveValue("leaked");
    await shootBoth(page, "leak-key-list");
    await page.goto("/keys?status=frozen");
    await expect(listRow(page, alias)).toHaveCount(0);

    // Regenerating offers no overlap, and brings the key back with a new secret; the leaked one stays refused.
    await page.goto("/keys");
    await listRow(page, alias).getByRole("link", { name: alias, exact: true }).click();
    await page.getByRole("button", { name: "Regenerate" }).click();
    const regenerate = page.getByRole("dialog", { name: `Regenerate “${alias}”` });
    await expect(regenerate.getByLabel("When the old secret stops working")).toHaveCount(0);
    await regenerate.getByLabel("Your 6-digit PIN").fill(pin(NALEDI));
    const fresh = (await page.getByTestId("new-secret").textContent())!.trim();
    await page.getByLabel("I have stored this key somewhere safe").check();
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByTestId("leak-notice")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Renew" })).toBeVisible();
    expect(await apiCode(page, secret)).toBe("invalid_key");
    expect(await apiCode(page, fresh)).toBe("ok");
  });

  test("is frozen by a signed secret-scanning partner report over HTTP; an unsigned one changes nothing", async ({ page }) => {
    const alias = `Leaked in public ${Date.now().toString(36)}`;
    await page.setViewportSize({ width: 1280, height: 900 });
    await signInAs(page, NALEDI);
    const secret = await newKey(page, alias);
    const keyUrl = page.url();
    const body = JSON.stringify([
      { token: secret, type: "latchkey_api_key", url: "https://github.com/acme/erp/blob/main/.env", source: "content" },
      { token: "ghp_notOursAtAll", type: "github_pat", url: "https://github.com/acme/erp/blob/main/.env", source: "content" },
    ]);
    const signature = sign("sha256", Buffer.from(body), partnerKey).toString("base64");
    const post = (headers: Record<string, string>, data = body) =>
      page.request.post("/api/secret-scanning/report", { headers: { "content-type": "application/json", ...headers }, data });

    // Unsigned, or signed over another body: 401, and the key still works.
    const unsigned = await post({ "x-signature-key-id": E2E_PARTNER_KEY_ID });
    expect(unsigned.status()).toBe(401);
    expect((await unsigned.json()).error.code).toBe("invalid_signature");
    const tampered = await post({ "x-signature-key-id": E2E_PARTNER_KEY_ID, "x-signature": signature }, body.replace("blob/main", "blob/evil"));
    expect(tampered.status()).toBe(401);
    expect(await apiCode(page, secret)).toBe("ok");

    const answer = await post({ "x-signature-key-id": E2E_PARTNER_KEY_ID, "x-signature": signature });
    expect(answer.status()).toBe(200);
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    expect(await answer.json()).toEqual([
      { token_hash: sha(secret), token_type: "latchkey_api_key", label: "true_positive" },
      { token_hash: sha("ghp_notOursAtAll"), token_type: "github_pat", label: "false_positive" },
    ]);
    expect(await apiCode(page, secret)).toBe("key_leaked");
    // Replayed: the same answer, and the key page shows one report.
    expect(await (await post({ "x-signature-key-id": E2E_PARTNER_KEY_ID, "x-signature": signature })).json()).toEqual(await answer.json());

    await page.goto(keyUrl);
    const notice = page.getByTestId("leak-notice");
    await expect(notice).toContainText("https://github.com/acme/erp/blob/main/.env");
    await expect(notice).toContainText("content, reported by a secret-scanning partner");
    // The place is text, never a link to follow.
    await expect(notice.getByRole("link")).toHaveCount(0);
    await expect(page.getByRole("table", { name: "This key's audit trail" }).getByText("Secret scanning partner (e2e-partner)")).toHaveCount(1);
    await expect(page.getByRole("button", { name: "Renew" })).toHaveCount(0);
  });
});
