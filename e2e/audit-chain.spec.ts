import { test } from "@playwright/test";
import { expectAccessible, expectNoSidewaysScroll } from "./support/a11y";
import { expect, screenshot, signInAs } from "./support/fixtures";

test("the audit page says the organisation's chain verifies, and the CSV carries each event's hash", async ({ page }) => {
  await signInAs(page, "naledi@acme.example");
  await page.goto("/audit");
  // In words, not by colour alone; the count grows as other tests act for Acme.
  await expect(page.getByText(/^Chain verified · [\d,]+ events?$/)).toBeVisible();
  await expectAccessible(page, "audit-chain");
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await expectNoSidewaysScroll(page, `audit-chain-${width}`);
    await screenshot(page, `audit-chain-${width}`);
  }

  const csv = await page.request.get("/audit/export");
  expect(csv.status()).toBe(200);
  const [header, ...lines] = (await csv.text()).trim().split("\r\n");
  expect(header).toBe("occurred_at,actor,action,target_type,target,target_id,outcome,ip,request_id,hash");
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line).toMatch(/,[0-9a-f]{64}$/);
});
