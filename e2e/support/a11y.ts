import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { screenshot } from "./fixtures";

/** WCAG 2.2 A and AA, and axe's best practices (landmarks, one main, headings in order). */
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"];

/**
 * Runs axe-core over the page as it is now (an open dialog included) and fails on any violation,
 * naming each rule, its help and the first elements it found.
 */
export async function expectAccessible(page: Page, state: string) {
  // Transitions still running (a message fading in) are let end first: axe reads the colours of the
  // moment, and a half-faded text's contrast is not what anyone reads. Endless ones (spinners) are not waited for.
  await page.evaluate(async () => {
    const ending = document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Number.POSITIVE_INFINITY);
    await Promise.all(ending.map((a) => a.finished.catch(() => undefined)));
  });
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const found = results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n${v.nodes
        .slice(0, 4)
        .map((n) => `    ${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1, 2).join(" ").trim()}`)
        .join("\n")}`,
  );
  expect.soft(found, `axe-core on ${state}`).toEqual([]);
}

/** The widths the portal must work at: a small phone, a phone, 200 % zoom, a laptop, a desktop. */
export const WIDTHS = [320, 390, 640, 1280, 1920] as const;

/** The page scrolls only down, never sideways (WCAG 1.4.10). */
export async function expectNoSidewaysScroll(page: Page, state: string) {
  const overflow = await page.evaluate(() => {
    const root = document.documentElement;
    const wider = [...document.querySelectorAll<HTMLElement>("body *")]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.right > root.clientWidth + 1 && !el.closest("[data-scroll-region]");
      })
      .slice(0, 3)
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${[...el.classList].slice(0, 3).join(".")} right=${Math.round(el.getBoundingClientRect().right)}`,
      );
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wider };
  });
  expect
    .soft(overflow.scrollWidth, `${state}: the page is ${overflow.scrollWidth} px wide in a ${overflow.clientWidth} px window (${overflow.wider.join("; ")})`)
    .toBeLessThanOrEqual(overflow.clientWidth);
}

/**
 * Every width: no sideways scroll, and the named primary action (when there is one) visible and not
 * covered by anything else. Screenshots at 390, 640 and 1920 px, to be looked at.
 */
export async function expectEveryWidth(page: Page, name: string, primary?: () => ReturnType<Page["getByRole"]>) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width < 640 ? 844 : 900 });
    await expectNoSidewaysScroll(page, `${name} at ${width} px`);
    if (primary) {
      const action = primary();
      await action.scrollIntoViewIfNeeded();
      await expect(action, `${name} at ${width} px: the primary action`).toBeVisible();
      // A trial click fails when another element would receive it.
      await action.click({ trial: true, timeout: 5_000 });
    }
    if (width === 390 || width === 640 || width === 1920) await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1360, height: 860 });
}
