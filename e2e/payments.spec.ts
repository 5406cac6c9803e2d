import { test } from "@playwright/test";
import { expect, pin, screenshot, signIn } from "./support/fixtures";

test("payments wait for approval; ten simultaneous approvals execute one exactly once; a rejection pays nothing", async ({ page }) => {
  await signIn(page, "pieter@acme.example");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Payment approvals" }).click();
  const waiting = page.getByRole("table", { name: "Payments waiting for approval" });
  const nampak = waiting.getByRole("row", { name: /Nampak Packaging.*R 18 750,00/ });
  await expect(nampak).toContainText("Supplier payments");
  await expect(nampak).toContainText("INV-88213");
  await screenshot(page, "payments");

  // Capture the real approve request, stop it, then send it ten times at once.
  let captured: { headers: Record<string, string>; body: string } | null = null;
  await page.route("**/payments", async (route) => {
    const request = route.request();
    if (request.method() === "POST" && request.headers()["next-action"] && !captured) {
      captured = { headers: request.headers(), body: request.postData() ?? "" };
      await route.abort();
    } else await route.continue();
  });
  await page.getByRole("button", { name: "Approve R 18 750,00 to Nampak Packaging" }).click();
  await page.getByRole("dialog").getByLabel("Your 6-digit PIN").fill(pin("pieter@acme.example"));
  await expect.poll(() => captured).not.toBeNull();
  await page.unroute("**/payments");
  await page.keyboard.press("Escape");

  const { headers, body } = captured!;
  const answers = await Promise.all(
    Array.from({ length: 10 }, () =>
      page.request
        .post("/payments", {
          headers: {
            "next-action": headers["next-action"]!,
            "content-type": headers["content-type"]!,
            accept: "text/x-component",
            origin: new URL(page.url()).origin,
          },
          data: body,
        })
        .then((r) => r.text()),
    ),
  );
  // One executes. The rest are refused: already decided, or — beyond five PIN checks at once — asked to retry.
  expect(answers.filter((a) => a.includes('"status":"executed"'))).toHaveLength(1);
  expect(answers.filter((a) => a.includes('"code":"already_decided"') || a.includes('"code":"pin_busy"'))).toHaveLength(9);

  await page.reload();
  const decided = page.getByRole("table", { name: "Recently decided payments" });
  const paid = decided.getByRole("row", { name: /Nampak Packaging.*R 18 750,00/ });
  await expect(paid).toContainText("Executed");
  await expect(paid).toContainText("Pieter van Wyk");
  await expect(waiting.getByRole("row", { name: /R 18 750,00/ })).toHaveCount(0);

  await page.getByRole("button", { name: "Reject R 4 320,50 to Imperial Logistics" }).click();
  await page.getByRole("dialog", { name: "Reject the payment" }).getByLabel("Your 6-digit PIN").fill(pin("pieter@acme.example"));
  await expect(page.getByText("Payment rejected")).toBeVisible();
  await expect(decided.getByRole("row", { name: /Imperial Logistics/ })).toContainText("Rejected");
  await expect(page.getByRole("row", { name: /Imperial Logistics/ }).getByRole("button", { name: /Approve/ })).toHaveCount(0);
  await screenshot(page, "payments-decided");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("row", { name: /Approved and executed a payment/ })).toHaveCount(1);
});

test("the docs page shows every endpoint with a request and a response", async ({ page }) => {
  await signIn(page, "sipho@acme.example");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API docs" }).click();
  await expect(page.getByRole("heading", { name: "API docs", level: 1 })).toBeVisible();
  await expect(page.locator("details")).toHaveCount(12);
  const transfers = page.locator("details").filter({ has: page.locator("summary", { hasText: "/transfers" }) });
  await transfers.locator("summary").click();
  await expect(transfers).toContainText("Idempotency-Key");
  await expect(transfers).toContainText("HTTP/1.1 201 Created");
  await screenshot(page, "docs");
});
