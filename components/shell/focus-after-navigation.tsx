"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";
import { focusHeading } from "@/components/ui/focus-return";

const lost = () => document.activeElement === null || document.activeElement === document.body;

/**
 * After a client-side navigation that took the focused control with it (a key created from the
 * wizard, a key deleted from its page), focus would fall to the document and a keyboard or
 * screen-reader user would start again from the top. The new page's heading takes it instead —
 * once it is there: a loading skeleton may come first, so this waits (a few seconds at most) for the
 * page's h1. Focus that is still somewhere on the page (a sidebar link just followed) stays put.
 */
export function FocusAfterNavigation() {
  const pathname = usePathname();
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every change of page
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const settle = () => {
      if (!lost()) return true;
      return focusHeading();
    };
    const frame = requestAnimationFrame(() => {
      if (settle()) return;
      const observer = new MutationObserver(() => settle() && stop());
      const timer = setTimeout(() => stop(), 5_000);
      const stop = () => {
        observer.disconnect();
        clearTimeout(timer);
      };
      observer.observe(document.body, { childList: true, subtree: true });
      cleanup = stop;
    });
    let cleanup = () => {};
    return () => {
      cancelAnimationFrame(frame);
      cleanup();
    };
  }, [pathname]);
  return null;
}
