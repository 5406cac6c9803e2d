import { test, type Page } from "@playwright/test";
import { expect, pin, screenshot, signInAs } from "./support/fixtures";

// Runs in the administration project, after the portal project (playwright.config.ts): it approves
// Pending Ventures, which the portal's tests expect to find pending.

async function both(page: Page, name: string) {
  for (const width of [1280, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1360, height: 860 });
}

test("a newly approved organisation reaches a working key: operator approves, enables a product, its Superadmin creates a key that answers 200", async ({
  page,
  request,
}) => {
  // Four sign-ins, the wizard and two PIN steps: longer than one screen's test.
  test.slow();
  await signInAs(page, "ops@bank.example");
  await expect(page).toHaveURL(/\/ops$/);
  const row = page.getByRole("row", { name: /Pending Ventures/ });
  await expect(row.getByText("Pending", { exact: true })).toBeVisible();
  await row.getByRole("button", { name: /Approve/ }).click();
  await page.getByRole("dialog", { name: "Approve Pending Ventures?" }).getByLabel("Your 6-digit PIN").fill(pin("ops@bank.example"));
  await expect(page.getByText("Pending Ventures approved")).toBeVisible();
  await expect(row.getByText("Approved", { exact: true })).toBeVisible();
  // Approval gave it its first application.
  const applicationsColumn = await page.getByRole("columnheader").allInnerTexts();
  await expect(row.getByRole("cell").nth(applicationsColumn.indexOf("Applications"))).toHaveText("1");
  await row.getByRole("button", { name: /Products/ }).click();
  const products = page.getByRole("dialog", { name: "Products of Pending Ventures" });
  await products.getByLabel("Account information").check();
  await products.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("dialog", { name: "Save the products of Pending Ventures" }).getByLabel("Your 6-digit PIN").fill(pin("ops@bank.example"));
  await expect(page.getByText("Products of Pending Ventures saved")).toBeVisible();
  await expect(row.getByText("Account information")).toBeVisible();
  await both(page, "ops-approved");

  // Kagiso, Pending Ventures' Superadmin, goes straight to the wizard: its application is there.
  await page.getByRole("button", { name: /Sign out/ }).click();
  await signInAs(page, "kagiso@pending.example");
  await page.goto("/keys/new");
  await expect(page.getByText("Application: Default connection")).toBeVisible();
  await page.getByLabel("Alias").fill("Ledger sync");
  await both(page, "wizard-pending-ventures");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Pending Ventures (Pty) Ltd").check();
  await page.getByRole("checkbox", { name: /Pending Ventures ZAR operating/ }).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("radiogroup", { name: "Preset for all products" }).getByRole("radio", { name: "Read-only" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Create key" }).click();
  await page.getByRole("dialog", { name: "Create the key" }).getByLabel("Your 6-digit PIN").fill(pin("kagiso@pending.example"));
  const keyModal = page.getByRole("dialog", { name: "“Ledger sync” is ready" });
  await expect(keyModal).toBeVisible();
  const key = (await keyModal.getByTestId("new-secret").textContent())!.trim();
  await keyModal.getByLabel("I have stored this key somewhere safe").check();
  await keyModal.getByRole("button", { name: "Done" }).click();

  const accounts = await request.get("/api/v1/accounts", { headers: { "x-api-key": key } });
  expect(accounts.status()).toBe(200);
  expect((await accounts.json()).accounts.map((a: { name: string }) => a.name)).toEqual(["Pending Ventures ZAR operating"]);

  // The application's own view: its secret was never shown to anyone, so it is issued now, once.
  await page.goto("/credentials");
  await expect(page.getByRole("list", { name: "Applications" }).getByText("Not issued yet")).toBeVisible();
  await page.getByRole("link", { name: "Default connection" }).click();
  await expect(page).toHaveURL(/\/credentials\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: "Default connection", level: 1 })).toBeVisible();
  const keys = page.getByRole("table", { name: "API keys of Default connection" });
  await expect(keys.getByRole("row", { name: new RegExp(`Ledger sync.*${key.slice(0, 12)}….*Live.*Active`) })).toBeVisible();
  const clientId = (await page.getByText(/^lkci_/).textContent())!.trim();
  await page.getByRole("button", { name: "Issue secret" }).click();
  await page.getByRole("dialog", { name: "Issue the client secret of Default connection?" }).getByLabel("Your 6-digit PIN").fill(pin("kagiso@pending.example"));
  const secretModal = page.getByRole("dialog", { name: "New client secret for Default connection" });
  const secret = (await secretModal.getByTestId("new-secret").textContent())!.trim();
  expect(secret).toMatch(/^lkcs_[0-9A-Za-z]{40}$/);
  await secretModal.getByLabel("I have stored this client secret somewhere safe").check();
  await secretModal.getByRole("button", { name: "Done" }).click();
  await expect(page.getByLabel(`Secret ending in ${secret.slice(-4)}`)).toBeVisible();
  await expect(page.getByText("Set", { exact: true })).toBeVisible();
  expect(await page.content()).not.toContain(secret);
  await both(page, "application-business");
  const token = await request.post("/api/oauth2/token", {
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
      "x-api-key": key,
      "content-type": "application/x-www-form-urlencoded",
    },
    data: "grant_type=client_credentials",
  });
  expect(token.status()).toBe(200);

  // The audit log names the key by alias and prefix, and says who gave the application.
  await page.goto("/audit");
  await expect(page.getByRole("row", { name: new RegExp(`kagiso@pending\\.example.*Created an API key.*Ledger sync · ${key.slice(0, 12)}…`) })).toBeVisible();
  await expect(page.getByRole("row", { name: /ops@bank\.example.*Added an application.*Default connection/ })).toBeVisible();
  await expect(page.getByRole("link", { name: `Ledger sync · ${key.slice(0, 12)}…` })).toHaveAttribute("href", /^\/keys\/[0-9a-f-]{36}$/);
  const csv = await page.request.get("/audit/export?action=key.create");
  expect((await csv.text()).split("\r\n")[1]).toContain(`,key.create,api_key,Ledger sync · ${key.slice(0, 12)}…,`);
  await both(page, "audit-pending-ventures");

  // Suspension stops the organisation's keys at once.
  await page.getByRole("button", { name: /Sign out/ }).click();
  await signInAs(page, "ops@bank.example");
  await page
    .getByRole("row", { name: /Pending Ventures/ })
    .getByRole("button", { name: /Suspend/ })
    .click();
  await page.getByRole("dialog", { name: "Suspend Pending Ventures?" }).getByLabel("Your 6-digit PIN").fill(pin("ops@bank.example"));
  await expect(page.getByText("Pending Ventures suspended")).toBeVisible();
  const refused = await request.get("/api/v1/accounts", { headers: { "x-api-key": key } });
  expect([refused.status(), (await refused.json()).error.code]).toEqual([403, "organisation_suspended"]);

  // Reinstated: the same one application, and the key works again.
  await page
    .getByRole("row", { name: /Pending Ventures/ })
    .getByRole("button", { name: /Reinstate/ })
    .click();
  await page.getByRole("dialog", { name: "Reinstate Pending Ventures?" }).getByLabel("Your 6-digit PIN").fill(pin("ops@bank.example"));
  await expect(page.getByText("Pending Ventures approved")).toBeVisible();
  expect((await request.get("/api/v1/accounts", { headers: { "x-api-key": key } })).status()).toBe(200);
  await page.getByRole("button", { name: /Sign out/ }).click();
  await signInAs(page, "kagiso@pending.example");
  await page.goto("/credentials");
  await expect(page.getByRole("list", { name: "Applications" }).getByRole("listitem")).toHaveCount(1);

  await page.getByRole("button", { name: /Sign out/ }).click();
  await signInAs(page, "ops@bank.example");
  await page.goto("/ops/outbox");
  await expect(page.getByRole("heading", { name: "E-mail outbox" })).toBeVisible();
  // A key no test renews: renewing a key withdraws its waiting reminders.
  const reminder = page.getByRole("row").filter({ hasText: "thabo@nkosi.example" }).filter({ hasText: "“e2e outbox reminder” freezes in 10 days" });
  await expect(reminder.getByText("Waiting")).toBeVisible();
  await reminder.getByText("“e2e outbox reminder” freezes in 10 days").click();
  await expect(reminder.getByText(/Renew it: http.*\/keys\/[0-9a-f-]{36}/)).toBeVisible();
  await screenshot(page, "ops-outbox");
});

test("the favicon answers: /favicon.ico and the icon Next links", async ({ request, page }) => {
  const ico = await request.get("/favicon.ico");
  expect(ico.status()).toBe(200);
  expect(ico.headers()["content-type"]).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
  expect((await ico.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
  await page.goto("/sign-in");
  const href = await page.locator('link[rel="icon"][type="image/svg+xml"]').getAttribute("href");
  const svg = await request.get(href!);
  expect([svg.status(), svg.headers()["content-type"]]).toEqual([200, expect.stringContaining("image/svg+xml")]);
});
