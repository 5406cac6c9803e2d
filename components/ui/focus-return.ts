/**
 * Where focus goes back to when a dialog closes. Most of the portal's dialogs open from state, not
 * from a Radix trigger, and several open one after another (confirm → PIN → secret), so Radix alone
 * has nothing to return focus to. The element that had focus when the first dialog of a flow opened
 * is remembered here; every dialog of the flow returns focus to it — or to the control rendered in
 * its place. When it has gone (the flow ended in a navigation, the row was deleted), the page's
 * heading takes focus instead.
 */
/** The last element outside any dialog that had focus (a field with autoFocus may take it first). */
let lastOutside: HTMLElement | null = null;

const inDialog = (el: Element) => el.closest('[role="dialog"], [role="alertdialog"]') !== null;

if (typeof document !== "undefined") {
  document.addEventListener("focusin", (event) => {
    if (event.target instanceof HTMLElement && !inDialog(event.target)) lastOutside = event.target;
  });
}

/** Called as a dialog opens: the element focused before it, outside any dialog, starts the flow. */
export function rememberFocusOrigin(): HTMLElement | null {
  const active = document.activeElement;
  if (active instanceof HTMLElement && active !== document.body && !inDialog(active)) return active;
  return lastOutside?.isConnected ? lastOutside : null;
}

/** Focuses a heading (by id; the page's first by default), made focusable for the purpose. */
export function focusHeading(id?: string): boolean {
  const heading = id ? document.getElementById(id) : document.querySelector<HTMLElement>("main h1, h1");
  if (!heading) return false;
  if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
  heading.focus();
  return true;
}

/**
 * The control that now stands where `gone` stood: a refresh of the page's data while the dialog was
 * open may have rendered that row or toolbar anew. Found by id, else by the same tag and accessible
 * label ("Change role of Newcomer 2"), else the same tag and text — outside any dialog, and only when
 * exactly one control matches.
 */
function replacement(gone: HTMLElement): HTMLElement | null {
  if (gone.id) {
    const same = document.getElementById(gone.id);
    if (same) return same;
  }
  const label = gone.getAttribute("aria-label");
  const text = gone.textContent?.trim();
  const matches = [...document.querySelectorAll<HTMLElement>(gone.tagName)].filter(
    (candidate) => !inDialog(candidate) && (label ? candidate.getAttribute("aria-label") === label : !!text && candidate.textContent?.trim() === text),
  );
  // Only an unmistakable one: a deleted row's "Remove" is not its neighbour's.
  return matches.length === 1 ? matches[0]! : null;
}

/** Called as a dialog closes: back to where the flow started, unless another dialog has taken over. */
export function returnFocus(remembered: HTMLElement | null) {
  if (document.querySelector('[role="dialog"][data-state="open"], [role="alertdialog"][data-state="open"]')) return;
  // A dialog whose field has autoFocus never hears that it opened: the last control outside serves.
  const origin = remembered ?? lastOutside;
  const target = origin && !origin.isConnected ? replacement(origin) : origin;
  if (target?.isConnected && !target.matches(":disabled")) {
    target.focus();
    keepFocusThroughRefresh(target);
  } else focusHeading();
}

/** How long after a dialog closes a refresh of the page's data may still re-render the control focus went back to. */
const REFRESH_GRACE_MS = 5000;

/**
 * Keeps focus on `target` while a refresh of the page's data that was under way as the dialog closed
 * lands: if it renders the row anew, the control it focused leaves the page and focus would fall to
 * the body — so it moves to the control now standing in its place. Stops as soon as the person moves
 * focus themselves, or after a few seconds.
 */
function keepFocusThroughRefresh(target: HTMLElement) {
  const until = performance.now() + REFRESH_GRACE_MS;
  let current = target;
  const check = () => {
    const active = document.activeElement;
    if (active && active !== document.body && active !== current) return;
    if (!current.isConnected) {
      const next = replacement(current);
      if (!next) return;
      next.focus();
      current = next;
    }
    if (performance.now() < until) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}
