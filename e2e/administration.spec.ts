import { test, type Page } from "@playwright/test";
import { expect, fixtures, pin, screenshot, signInAs } from "./support/fixtures";

// Runs after the portal project (playwright.config.ts): it changes Acme's members, roles and
// client secret. Pending Ventures' onboarding is e2e/onboarding.spec.ts.

async function both(page: Page, name: string) {
  for (const width of [1280, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1360, height: 860 });
}

test("invite → accept → first sign-in with PIN set-up", async ({ page, browser }) => {
  // Two people, two sign-ins and a PIN set-up.
  test.slow();
  await signInAs(page, "naledi@acme.example");
  await page.goto("/members");
  await page.getByRole("button", { name: "Invite member" }).click();
  const form = page.getByRole("dialog", { name: "Invite a member" });
  // Checked before the PIN is asked for.
  await form.getByRole("button", { name: "Continue" }).click();
  await expect(form.getByText("Enter an email address")).toBeVisible();
  await form.getByLabel("Email address").fill("not an email");
  await form.getByLabel("Role").selectOption({ label: "Developer" });
  await form.getByRole("button", { name: "Continue" }).click();
  await expect(form.getByText("Enter a valid email address")).toBeVisible();
  await expect(form.getByLabel("Email address")).toHaveAttribute("aria-invalid", "true");
  await form.getByLabel("Email address").fill("lerato@acme.example");
  await screenshot(page, "members-invite");
  await form.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("dialog", { name: "Confirm the invitation" }).getByLabel("Your 6-digit PIN").fill(pin("naledi@acme.example"));

  const modal = page.getByRole("dialog", { name: "Invitation link" });
  await expect(modal).toBeVisible();
  const link = (await modal.getByTestId("new-secret").textContent())!.trim();
  expect(link).toMatch(/\/invite\/lkinv_[0-9A-Za-z]{43}$/);
  await expect(modal.getByText("This is the only time this invitation link is shown")).toBeVisible();
  await screenshot(page, "members-invitation-link");
  await modal.getByLabel("I have stored this invitation link somewhere safe").check();
  await modal.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("region", { name: "Pending invitations" }).getByRole("row", { name: /lerato@acme\.example.*Developer/ })).toBeVisible();
  await screenshot(page, "members");

  // The invitee, in a browser of their own.
  const invitee = await browser.newContext();
  const p = await invitee.newPage();
  await p.goto(new URL(link).pathname);
  await expect(p.getByRole("heading", { name: "Join Acme Holdings" })).toBeVisible();
  await expect(p.getByText("You are invited as Developer.")).toBeVisible();
  await p.getByLabel("Your name").fill("Lerato Dube");
  await p.getByLabel("Choose a password").fill("short");
  await p.getByRole("button", { name: "Join and continue to sign in" }).click();
  await expect(p.getByText("Use at least 12 characters")).toBeVisible();
  await p.getByLabel("Choose a password").fill("Lerato-password-1");
  await p.getByLabel("Repeat the password").fill("Lerato-password-1");
  await screenshot(p, "invitation-accept");
  await p.getByRole("button", { name: "Join and continue to sign in" }).click();

  await expect(p).toHaveURL(/\/sign-in\?joined=1/);
  await expect(p.getByRole("status").filter({ hasText: "Your password is set" })).toBeVisible();
  await expect(p.getByLabel("Email")).toHaveValue("lerato@acme.example");
  await p.getByLabel("Password").fill("Lerato-password-1");
  await p.getByRole("button", { name: "Sign in" }).click();
  await expect(p).toHaveURL(/\/set-pin$/);
  await p.getByLabel("New PIN").fill("402718");
  await p.getByLabel("Repeat the PIN").fill("402718");
  await p.getByRole("button", { name: "Set PIN and continue" }).click();
  await expect(p).toHaveURL(/\/keys$/);
  await expect(p.getByRole("complementary").getByText("Developer · Acme Holdings")).toBeVisible();

  // The link worked once.
  await p.goto(new URL(link).pathname);
  await expect(p.getByRole("heading", { name: "This invitation cannot be used" })).toBeVisible();
  await invitee.close();

  await page.reload();
  await expect(page.getByRole("row", { name: /Lerato Dube.*lerato@acme\.example.*Developer.*Set/ })).toBeVisible();
  await expect(page.getByRole("region", { name: "Pending invitations" }).getByText("No invitation is waiting to be accepted.")).toBeVisible();
});

test("the Superadmin creates a custom role, gives it to a member, and the member feels it on the next click", async ({ page, browser }) => {
  await signInAs(page, "naledi@acme.example");
  await page.goto("/members");
  await page.getByRole("button", { name: "New role" }).click();
  const form = page.getByRole("dialog", { name: "New role" });
  await form.getByLabel("Name").fill("Auditor");
  await form.getByLabel("Description (optional)").fill("Reads the audit log and the key list");
  await form.getByLabel("View the audit log").check();
  await screenshot(page, "role-new");
  await form.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("dialog", { name: "Create the role" }).getByLabel("Your 6-digit PIN").fill(pin("naledi@acme.example"));
  await expect(page.getByText("Role “Auditor” created")).toBeVisible();
  const roles = page.getByRole("region", { name: "Roles" });
  await expect(roles.getByRole("row", { name: /Auditor.*Custom.*View API keys · View the audit log/ })).toBeVisible();

  // Aisha, a Viewer, is signed in elsewhere and cannot see the audit log.
  const other = await browser.newContext();
  const aisha = await other.newPage();
  await signInAs(aisha, "aisha@acme.example");
  await aisha.goto("/audit");
  await expect(aisha.getByText("You can't see the audit log")).toBeVisible();

  await page
    .getByRole("row", { name: /Aisha/ })
    .getByRole("button", { name: /Change role/ })
    .click();
  await page
    .getByRole("dialog", { name: /Change Aisha .*role/ })
    .getByLabel("Role")
    .selectOption({ label: "Auditor" });
  await page
    .getByRole("dialog", { name: /Change Aisha .*role/ })
    .getByRole("button", { name: "Continue" })
    .click();
  await page
    .getByRole("dialog", { name: /Change Aisha .*role/ })
    .getByLabel("Your 6-digit PIN")
    .fill(pin("naledi@acme.example"));
  await expect(page.getByText(/is now Auditor/)).toBeVisible();
  await expect(page.getByRole("row", { name: /Aisha.*Auditor/ })).toBeVisible();
  await screenshot(page, "members-roles");

  await aisha.reload();
  await expect(aisha.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  await expect(aisha.getByRole("table")).toBeVisible();
  await other.close();
});

test("client-secret rotation shows the new secret once; the old one stops working at once", async ({ page, context, request }) => {
  const { applications, keys } = fixtures();
  const erp = applications.find((a) => a.name === "ERP integration")!;
  const token = (secret: string) =>
    request.post("/api/oauth2/token", {
      headers: {
        authorization: `Basic ${Buffer.from(`${erp.clientId}:${secret}`).toString("base64")}`,
        "x-api-key": keys.token.key,
        "content-type": "application/x-www-form-urlencoded",
      },
      data: "grant_type=client_credentials",
    });
  expect((await token(erp.clientSecret)).status()).toBe(200);

  await signInAs(page, "naledi@acme.example");
  await page.goto("/credentials");
  const list = page.getByRole("list", { name: "Applications" });
  await expect(list.getByRole("listitem").filter({ hasText: "ERP integration" }).getByText(erp.clientId)).toBeVisible();
  await screenshot(page, "credentials-list");
  await list.getByRole("link", { name: "ERP integration" }).click();
  await expect(page.getByRole("heading", { name: "ERP integration", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Applications" }).getByRole("link", { name: "Treasury bot" })).toBeVisible();
  await expect(page.getByText(erp.clientId)).toBeVisible();
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy the client ID" }).click();
  await expect(page.getByRole("button", { name: "Copied ✓" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(erp.clientId);
  await screenshot(page, "credentials");
  await page.getByRole("button", { name: "Rotate secret" }).click();
  await page.getByRole("dialog", { name: "Rotate the client secret of ERP integration?" }).getByLabel("Your 6-digit PIN").fill(pin("naledi@acme.example"));
  const modal = page.getByRole("dialog", { name: "New client secret for ERP integration" });
  await expect(modal).toBeVisible();
  const secret = (await modal.getByTestId("new-secret").textContent())!.trim();
  expect(secret).toMatch(/^lkcs_[0-9A-Za-z]{40}$/);
  await screenshot(page, "credentials-rotated");
  await modal.getByLabel("I have stored this client secret somewhere safe").check();
  await modal.getByRole("button", { name: "Done" }).click();
  await expect(page.getByLabel(`Secret ending in ${secret.slice(-4)}`)).toBeVisible();
  expect(await page.content()).not.toContain(secret);

  expect((await token(erp.clientSecret)).status()).toBe(401);
  expect((await token(secret)).status()).toBe(200);

  // Switching application shows the other one's credentials.
  await page.getByRole("navigation", { name: "Applications" }).getByRole("link", { name: "Treasury bot" }).click();
  await expect(page.getByRole("heading", { name: "Treasury bot", level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/credentials\/[0-9a-f-]{36}$/);
  await expect(page.getByText(erp.clientId)).toHaveCount(0);
  // The earlier address still leads there.
  const treasuryId = page.url().split("/credentials/")[1]!;
  await page.goto(`/credentials?app=${treasuryId}`);
  await expect(page).toHaveURL(new RegExp(`/credentials/${treasuryId}$`));
});

test("each application's view holds its credentials beside its keys; members see what they may; another organisation's is not found", async ({
  page,
  browser,
}) => {
  // Three people in three browsers, with screenshots at two widths.
  test.slow();
  const { applications } = fixtures();
  const erp = applications.find((a) => a.name === "ERP integration")!;
  await signInAs(page, "naledi@acme.example");
  await page.goto("/credentials");
  await page.getByRole("list", { name: "Applications" }).getByRole("link", { name: "ERP integration" }).click();
  await expect(page).toHaveURL(/\/credentials\/[0-9a-f-]{36}$/);
  const erpId = page.url().split("/credentials/")[1]!;
  await expect(page.getByRole("navigation", { name: "Applications" }).getByRole("link", { name: "ERP integration" })).toHaveAttribute("aria-current", "page");
  const keys = page.getByRole("table", { name: "API keys of ERP integration" });
  const first = keys.getByRole("row").nth(1);
  await expect(first.getByText(/^lk_(live|test)_[0-9A-Za-z]{4}…$/)).toBeVisible();
  await expect(first.getByText(/Active|Expiring|Frozen/)).toBeVisible();
  // Expiry in days, as the key list counts it.
  await expect(first.getByText(/^(in \d+ days?|today|frozen (today|\d+ days? ago))$/)).toBeVisible();
  await both(page, "application-acme");
  const alias = (await first.getByRole("link").textContent())!.trim();
  await first.getByRole("link", { name: alias }).click();
  await expect(page).toHaveURL(/\/keys\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: alias, level: 1 })).toBeVisible();

  // A Viewer: the keys, never the client ID.
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await signInAs(viewer, "aisha@acme.example");
  await viewer.goto(`/credentials/${erpId}`);
  await expect(viewer.getByRole("table", { name: "API keys of ERP integration" }).getByRole("link", { name: alias })).toBeVisible();
  await expect(viewer.getByText(/does not include client credentials|Only members whose role includes client credentials/).first()).toBeVisible();
  expect(await viewer.content()).not.toContain(erp.clientId);
  await expect(viewer.getByRole("button", { name: /Rotate secret|Issue secret/ })).toHaveCount(0);
  await viewerContext.close();

  // Thabo, a private holder: his one connection, no toggle; Acme's application is not found.
  const privateContext = await browser.newContext();
  const thabo = await privateContext.newPage();
  await signInAs(thabo, "thabo@nkosi.example");
  await thabo.goto("/credentials");
  await thabo.getByRole("link", { name: "Individual connection" }).click();
  await expect(thabo.getByRole("heading", { name: "Individual connection", level: 1 })).toBeVisible();
  await expect(thabo.getByRole("navigation", { name: "Applications" })).toHaveCount(0);
  await expect(thabo.getByRole("table", { name: "API keys of Individual connection" }).getByRole("link", { name: "Budget app" })).toBeVisible();
  await expect(thabo.getByRole("button", { name: "Rotate secret" })).toBeVisible();
  await both(thabo, "application-private");
  for (const path of [`/credentials/${erpId}`, "/credentials/not-a-uuid", `/credentials/${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}`]) {
    const response = await thabo.goto(path);
    expect(response!.status(), path).toBe(404);
    await expect(thabo.getByText("ERP integration")).toHaveCount(0);
  }
  await privateContext.close();
});

test("the audit log filters, pages and exports CSV", async ({ page, request }) => {
  await signInAs(page, "naledi@acme.example");
  await page.goto("/audit");
  await page.getByLabel("Action").selectOption({ label: "Signed in" });
  await page.getByLabel("Who").fill("naledi");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=auth\.sign_in/);
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows.nth(1)).toContainText("naledi@acme.example");
  for (const text of await rows.allInnerTexts()) if (!/^When/.test(text)) expect(text).toMatch(/naledi@acme\.example[\s\S]*Signed in/);
  await screenshot(page, "audit-filtered");

  // Past the last page: said so, with the way back.
  await page.goto("/audit?actor=naledi&page=500");
  await expect(page.getByText("No entries this far back.")).toBeVisible();
  await page.getByRole("link", { name: "Back to the newest" }).click();
  await expect(page.getByRole("table").getByRole("row").nth(1)).toContainText("naledi@acme.example");
  await expect(page).toHaveURL(/actor=naledi/);

  // A member in the operator area is turned back.
  await page.goto("/ops");
  await expect(page.getByRole("heading", { name: "Bank operators only" })).toBeVisible();
  await page.getByRole("link", { name: "Back to your API keys" }).click();
  await expect(page).toHaveURL(/\/keys$/);

  await page.goto("/audit?from=2020-13-45");
  await expect(page.getByText("That is not a date")).toBeVisible();
  await expect(page.getByLabel("From")).toHaveAttribute("aria-invalid", "true");

  // Dates are day first, as the product's locale writes them; month first is the field's error.
  await page.goto("/audit");
  await expect(page.getByLabel("From")).toHaveAttribute("placeholder", "dd/mm/yyyy");
  await expect(page.getByText("From (dd/mm/yyyy)")).toBeVisible();
  await page.getByLabel("From").fill("12/31/2026");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("There is no month 31: write the date day first, like 31/12/2026")).toBeVisible();
  await expect(page.getByLabel("From")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("From")).toHaveAccessibleDescription("There is no month 31: write the date day first, like 31/12/2026");
  await screenshot(page, "audit-date-error");
  const today = new Intl.DateTimeFormat("en-GB", { timeZone: "Africa/Johannesburg", day: "2-digit", month: "2-digit", year: "numeric" }).format(new Date());
  await page.getByLabel("From").fill(today);
  await page.getByLabel("To").fill(today);
  await page.getByLabel("Who").fill("naledi");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`from=${encodeURIComponent(today)}`));
  await expect(page.getByLabel("From")).toHaveValue(today);
  await expect(page.getByRole("table").getByRole("row").nth(1)).toContainText("naledi@acme.example");
  await both(page, "audit");
  const bad = await page.request.get("/audit/export?from=31%2F02%2F2026");
  expect(bad.status()).toBe(422);
  expect(await bad.text()).toContain("from: That is not a date");

  const csv = await page.request.get("/audit/export?action=auth.sign_in&actor=naledi");
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).trim().split("\r\n");
  expect(lines[0]).toBe("occurred_at,actor,action,target_type,target,target_id,outcome,ip,request_id,hash");
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines.slice(1)) expect(line).toMatch(/^[^,]+,naledi@acme\.example,auth\.sign_in,/);

  // Signed out: no export.
  const anonymous = await request.get("/audit/export", { maxRedirects: 0 });
  expect(anonymous.headers()["content-type"] ?? "").not.toContain("text/csv");
});
