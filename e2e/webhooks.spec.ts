import http from "node:http";
import type { AddressInfo } from "node:net";
import { type Page, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { expectAccessible, expectNoSidewaysScroll } from "./support/a11y";
import { expect, pin, screenshot, signInAs } from "./support/fixtures";

/**
 * The Webhooks pages as an Admin: add an endpoint by keyboard with the PIN, see its signing secret
 * once, find it in the list, open it, send a test event — which a receiver run by this spec gets
 * within seconds, signed so that the secret shown verifies it — and disable it, axe-clean and without
 * sideways scrolling at 390, 1280 and 1920 px. The server runs with LATCHKEY_WEBHOOKS_ALLOW_PRIVATE=1, so a
 * loopback http:// receiver is allowed.
 */

const PIETER = "pieter@acme.example";

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}
const received: Received[] = [];
let receiver: http.Server;
let URL_TYPED = "";
let HOST = "";

test.beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as AddressInfo;
  HOST = `127.0.0.1:${port}`;
  URL_TYPED = `http://${HOST}/latchkey/events`;
});

test.afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

async function atEveryWidth(page: Page, name: string) {
  for (const width of [390, 1280, 1920]) {
    await page.setViewportSize({ width, height: width < 640 ? 844 : width > 1600 ? 1080 : 900 });
    await expectNoSidewaysScroll(page, `${name} at ${width} px`);
    await expectAccessible(page, `${name} at ${width} px`);
    await screenshot(page, `webhooks-${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test.describe.configure({ mode: "serial" });

test("a member without webhooks:manage sees no Webhooks entry and is told why on the page", async ({ page }) => {
  await signInAs(page, "sipho@acme.example");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API keys" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" })).toHaveCount(0);
  await page.goto("/webhooks");
  await expect(page.getByRole("heading", { name: "Only members who manage webhooks see them" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Add endpoint" })).toHaveCount(0);
});

test("add an endpoint by keyboard with the PIN, see the secret once, open it, send a test event and disable it", async ({ page }) => {
  test.slow();
  await signInAs(page, PIETER);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  await atEveryWidth(page, "list-empty");

  // The whole form by keyboard: focus lands on the URL; Tab reaches "Select all"; Enter continues.
  await page.getByRole("button", { name: "Add endpoint" }).first().focus();
  await page.keyboard.press("Enter");
  const form = page.getByRole("dialog", { name: "Add a webhook endpoint" });
  const url = form.getByLabel("Endpoint URL");
  await expect(url).toBeFocused();
  await page.keyboard.type("ftp://127.0.0.1/in");
  await page.keyboard.press("Enter");
  await expect(form.getByText("Enter a full https:// URL, such as https://example.com/webhooks")).toBeVisible();
  await expect(form.getByText("Choose at least one event type")).toBeVisible();
  await expect(url).toHaveAttribute("aria-invalid", "true");
  await atEveryWidth(page, "add-form-errors");

  await url.fill("");
  await url.focus();
  await page.keyboard.type(URL_TYPED);
  await page.keyboard.press("Tab");
  const selectAll = form.getByRole("checkbox", { name: "Select all" });
  await expect(selectAll).toBeFocused();
  await page.keyboard.press("Space");
  await expect(form.getByRole("checkbox", { name: /^key\.created/ })).toBeChecked();
  await expect(form.getByText("15 of 15 chosen")).toBeVisible();
  // Untick one by keyboard: "Select all" becomes mixed.
  await page.keyboard.press("Tab");
  await expect(form.getByRole("checkbox", { name: /^key\.created/ })).toBeFocused();
  await page.keyboard.press("Space");
  await expect(form.getByText("14 of 15 chosen")).toBeVisible();
  await expect(selectAll).not.toBeChecked();
  await form.getByLabel("Description (optional)").focus();
  await page.keyboard.type("Splunk in the SOC");
  await page.keyboard.press("Enter");

  const confirm = page.getByRole("dialog", { name: "Add the webhook endpoint" });
  await expect(confirm.getByText(URL_TYPED)).toBeVisible();
  await confirm.getByLabel("Your 6-digit PIN").fill(pin(PIETER));

  const modal = page.getByRole("dialog", { name: "Signing secret for the new endpoint" });
  const secret = (await modal.getByTestId("new-secret").textContent())!.trim();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
  await expect(modal.getByText(/Latchkey keeps it encrypted, to sign with/)).toBeVisible();
  await expectAccessible(page, "the one-time secret");
  await expect(modal.getByRole("button", { name: "Done" })).toBeDisabled();
  await modal.getByLabel("I have stored this signing secret somewhere safe").check();
  await modal.getByRole("button", { name: "Done" }).click();

  // The endpoint's page: the secret's last four only, never the secret.
  await expect(page.getByRole("heading", { level: 1, name: HOST })).toBeVisible();
  await expect(page.getByText(`whsec_…${secret.slice(-4)}`)).toBeVisible();
  expect(await page.content()).not.toContain(secret);
  await expect(page.getByText("Splunk in the SOC")).toBeVisible();
  await expect(page.getByRole("list", { name: "Event types" }).getByRole("listitem")).toHaveCount(14);
  await expect(page.getByText("Nothing sent yet")).toBeVisible();

  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByText("Test event queued: it appears in the delivery log")).toBeVisible();
  const log = page.getByRole("table", { name: "Delivery log" });
  await expect(log.getByRole("link", { name: /webhook\.test/ })).toBeVisible();

  // The server's delivery loop sends it within seconds, signed with the secret shown once.
  await expect.poll(() => received.length, { timeout: 20_000 }).toBe(1);
  const [delivery] = received;
  const verified = new Webhook(secret).verify(delivery!.body, {
    "webhook-id": String(delivery!.headers["webhook-id"]),
    "webhook-timestamp": String(delivery!.headers["webhook-timestamp"]),
    "webhook-signature": String(delivery!.headers["webhook-signature"]),
  }) as { type: string };
  expect(verified.type).toBe("webhook.test");
  await page.reload();
  await expect(log.getByText("Delivered")).toBeVisible();
  await atEveryWidth(page, "detail");

  // One delivery's page.
  await log
    .getByRole("link", { name: /webhook\.test/ })
    .first()
    .click();
  await expect(page.getByRole("heading", { level: 1, name: "webhook.test" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Attempts" })).toBeVisible();
  await expect(page.getByText("HTTP 204")).toBeVisible();
  await atEveryWidth(page, "delivery");
  await page.goBack();

  // Disable with the PIN.
  await page.getByRole("button", { name: "Disable" }).click();
  const disable = page.getByRole("dialog", { name: `Disable ${HOST}?` });
  await disable.getByLabel("Your 6-digit PIN").fill(pin(PIETER));
  await expect(page.getByText(`${HOST} disabled`)).toBeVisible();
  await expect(page.getByRole("button", { name: "Enable" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Send test event" })).toBeDisabled();

  // The list shows it, disabled.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
  const table = page.getByRole("table", { name: "Webhook endpoints" });
  const row = table.getByRole("row").filter({ hasText: URL_TYPED });
  await expect(row).toBeVisible();
  await expect(row.getByText("Disabled")).toBeVisible();
  await expect(row.getByText("14 of 15")).toBeVisible();
  expect(await page.content()).not.toContain(secret);
  await atEveryWidth(page, "list");
});

test("the API docs explain webhooks with verification samples, accessibly", async ({ page }) => {
  await signInAs(page, "sipho@acme.example");
  await page.goto("/docs#webhooks");
  await expect(page.getByRole("heading", { level: 2, name: "Webhooks" })).toBeVisible();
  await expect(page.getByText('import { Webhook } from "standardwebhooks";')).toBeVisible();
  await expect(page.getByText("from standardwebhooks.webhooks import Webhook")).toBeVisible();
  await expect(page.getByText("not by arrival")).toBeVisible();
  await atEveryWidth(page, "docs");
});
