"use client";

import { useRouter } from "next/navigation";
import type { ReactNode } from "react";

/** A table row that opens the key's detail on click; the alias inside stays a real link for keyboards. */
export function KeyRowLink({ href, children }: { href: string; children: ReactNode }) {
  const router = useRouter();
  return (
    <tr
      className="cursor-pointer hover:bg-zinc-50"
      onClick={(e) => {
        if ((e.target as HTMLElement).closest("a,button")) return;
        router.push(href);
      }}
    >
      {children}
    </tr>
  );
}
