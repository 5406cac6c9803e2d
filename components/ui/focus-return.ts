/**
 * Where focus goes back to when a dialog closes. Most of the portal's dialogs open from state, not
 * from a Radix trigger, and several open one after another (confirm → PIN → secret), so Radix alone
 * has nothing to return focus to. The element that had focus when the first dialog of a flow opened
 * is remembered here; every dialog of the flow returns focus to it. When it has gone (the flow
 * ended in a navigation), the page's heading takes focus instead.
 */
let origin: HTMLElement | null = null;

const inDialog = (el: Element) => el.closest('[role="dialog"], [role="alertdialog"]') !== null;

/** Called as a dialog opens, before it moves focus inside: the element focused now starts the flow. */
export function rememberFocusOrigin(): HTMLElement | null {
  const active = document.activeElement;
  if (active instanceof HTMLElement && active !== document.body && !inDialog(active)) origin = active;
  return origin;
}

/** Focuses the page's first heading, made focusable for the purpose. */
export function focusPageHeading(): boolean {
  const heading = document.querySelector<HTMLElement>("main h1, h1");
  if (!heading) return false;
  if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
  heading.focus();
  return true;
}

/** Called as a dialog closes: back to where the flow started, unless another dialog has taken over. */
export function returnFocus(remembered: HTMLElement | null) {
  if (document.querySelector('[role="dialog"][data-state="open"], [role="alertdialog"][data-state="open"]')) return;
  const target = remembered ?? origin;
  if (target?.isConnected && !target.matches(":disabled")) target.focus();
  else focusPageHeading();
}
