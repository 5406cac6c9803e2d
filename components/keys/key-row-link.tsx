"use client";

import { useRouter } from "next/navigation";
import type { ReactNode } from "react";

/**
 * A table row that opens the key's detail on click; the alias inside stays a real link for keyboards.
 * Clicks on the row's own links and buttons, and inside a dialog the row opened (React passes a
 * portal's events up through the row), are left to them.
 */
export function KeyRowLink({ href, children }: { href: string; children: ReactNode }) {
  const router = useRouter();
  return (
    <tr
      className="cursor-pointer hover:bg-zinc-50"
      onClick={(e) => {
        const target = e.target as HTMLElement;
        if (!e.currentTarget.contains(target) || target.closest("a,button")) return;
        router.push(href);
      }}
    >
      {children}
    </tr>
  );
}
