"use client";

import { Menu, X } from "lucide-react";
import { usePathname } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { cn } from "@/lib/utils";

/**
 * The portal's sidebar: a column on the left from 768 px up; below that, a bar across the top whose
 * "Menu" button opens the organisation switcher, the sections and the account links. It closes again
 * when the page changes.
 */
export function ShellSidebar({ logo, children }: { logo: ReactNode; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  // biome-ignore lint/correctness/useExhaustiveDependencies: closes the drawer on every navigation
  useEffect(() => setOpen(false), [pathname]);
  return (
    <aside className="flex w-full shrink-0 flex-col border-b border-zinc-200 bg-zinc-50 md:sticky md:top-0 md:h-screen md:w-60 md:border-r md:border-b-0 md:bg-zinc-50/80">
      <div className="flex items-center justify-between gap-3 px-4 pt-4 pb-3">
        {logo}
        <button
          type="button"
          className="inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-sm text-zinc-700 hover:bg-zinc-100 md:hidden"
          aria-expanded={open}
          aria-controls="portal-menu"
          onClick={() => setOpen((was) => !was)}
        >
          {open ? <X className="size-4" aria-hidden /> : <Menu className="size-4" aria-hidden />}
          Menu
        </button>
      </div>
      <div id="portal-menu" className={cn("min-h-0 flex-1 flex-col", open ? "flex" : "hidden md:flex")}>
        {children}
      </div>
    </aside>
  );
}
