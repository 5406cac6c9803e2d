import { randomUUID } from "node:crypto";
import { test } from "@playwright/test";
import { expectAccessible, expectNoSidewaysScroll } from "./support/a11y";
import { createReviewedKey, expect, screenshot, signIn, startAcmeRetailKey } from "./support/fixtures";

test.describe("a key's usage on its page", () => {
  test("calls made with the key show in the chart, its table and the permissions' last use", async ({ page, request }) => {
    await signIn(page, "naledi@acme.example");
    await expect(page).toHaveURL(/\/keys$/);
    await startAcmeRetailKey(page, "Usage chart");
    await page.getByRole("radiogroup", { name: "Preset for all products" }).getByRole("radio", { name: "Read-only" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    const secret = await createReviewedKey(page, "naledi@acme.example", "Usage chart");
    const usage = page.getByRole("region", { name: "Usage (last 30 days, UTC)" });
    await expect(usage.getByText("No API calls in the last 30 days.")).toBeVisible();

    // 10 answered calls and 3 refused after the key was recognised.
    const headers = { "x-api-key": secret };
    const accounts = await request.get("/api/v1/accounts", { headers });
    expect(accounts.status()).toBe(200);
    const accountId = (await accounts.json()).accounts[0].id as string;
    for (let i = 0; i < 6; i++) expect((await request.get("/api/v1/accounts", { headers })).status()).toBe(200);
    for (let i = 0; i < 3; i++) expect((await request.get(`/api/v1/accounts/${accountId}/balance`, { headers })).status()).toBe(200);
    expect((await request.get(`/api/v1/accounts/${randomUUID()}/balance`, { headers })).status()).toBe(404);
    for (let i = 0; i < 2; i++) {
      const refused = await request.post(`/api/v1/accounts/${accountId}/transfers`, {
        headers,
        data: { toAccountId: accountId, amount: 1, reference: "usage" },
      });
      expect(refused.status()).toBe(403);
    }
    // Refusals before the key is known are nobody's.
    expect((await request.get("/api/v1/accounts", { headers: { "x-api-key": `${secret.slice(0, -2)}zz` } })).status()).toBe(401);

    // The server writes its counts every second here (LATCHKEY_USAGE_FLUSH_SECONDS=1).
    const chart = usage.getByRole("img", { name: /^API calls over the last 30 days/ });
    await expect
      .poll(
        async () => {
          await page.reload();
          return (await chart.count()) ? chart.getAttribute("aria-label") : null;
        },
        { timeout: 20_000 },
      )
      .toBe("API calls over the last 30 days: 10 successful, 3 client errors, 0 server errors");
    await expect(usage.getByText("13 calls made with this key")).toBeVisible();
    await expect(usage.getByTestId("usage-chart").locator("rect")).toHaveCount(2);

    await usage.getByText("Show as a table").click();
    const table = usage.getByRole("table", { name: "API calls per UTC day, last 30 days" });
    await expect(table).toBeVisible();
    await expect(table.getByRole("row")).toHaveCount(31);
    const today = table.getByRole("row", { name: /\(today\)/ });
    await expect(today.getByRole("cell")).toHaveText(["10", "3", "0", "13"]);
    const yesterday = table.getByRole("row").nth(2);
    await expect(yesterday.getByRole("cell")).toHaveText(["0", "0", "0", "0"]);

    const permissions = usage.getByRole("list", { name: "Permissions last used" });
    await expect(permissions.getByRole("listitem").filter({ hasText: "accounts:view" })).toContainText(
      /Last used (just now|\d+ seconds? ago|\d+ minutes? ago)/,
    );
    await expect(permissions.getByRole("listitem").filter({ hasText: "balances:view" })).toContainText("Last used");
    await expect(permissions.getByRole("listitem").filter({ hasText: "statements:view" })).toContainText("Never");
    await expect(permissions.getByRole("listitem").filter({ hasText: "payments:edit" })).toHaveCount(0);

    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width < 640 ? 844 : 900 });
      await expectNoSidewaysScroll(page, `key usage at ${width} px`);
      await expectAccessible(page, `key usage at ${width} px, table open`);
      await usage.scrollIntoViewIfNeeded();
      await screenshot(page, `key-usage-${width}`);
      await usage.screenshot({ path: `test-results/screenshots/key-usage-card-${width}.png` });
    }
  });
});
