"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef } from "react";
import { focusHeading } from "@/components/ui/focus-return";

/**
 * After a client-side navigation that took the focused control with it (a key created from the
 * wizard, a key deleted from its page), focus would fall to the document and a keyboard or
 * screen-reader user would start again from the top. The new page's heading takes it instead.
 * Focus that is still somewhere on the page (a sidebar link just followed) is left where it is.
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
    const lost = () => document.activeElement === null || document.activeElement === document.body;
    if (lost()) focusHeading();
    else {
      // The control may be removed a moment later, when the old page's last pieces unmount.
      const frame = requestAnimationFrame(() => lost() && focusHeading());
      return () => cancelAnimationFrame(frame);
    }
  }, [pathname]);
  return null;
}
