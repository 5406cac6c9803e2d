"use client";

import { Menu, X } from "lucide-react";
import { usePathname } from "next/navigation";
import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { cn } from "@/lib/utils";

/**
 * The portal's sidebar: a 240 px column on the left from 1024 px up; below that, a bar across the top
 * (the logo, the "Menu" button, and room on the right for the notification bell) whose button opens
 * the organisation switcher, the sections and the account links as a drawer under the bar. The drawer
 * pushes the page down rather than covering it, so nothing under it can take focus unseen. Escape
 * closes it and puts focus back on the button; so does moving to another page.
 */
export function ShellSidebar({ logo, children }: { logo: ReactNode; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const pathname = usePathname();
  // biome-ignore lint/correctness/useExhaustiveDependencies: closes the drawer on every navigation
  useEffect(() => setOpen(false), [pathname]);

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    // Keys pressed in a menu the drawer opened (the organisation switcher renders in a portal) reach
    // here through React; that menu closes itself on Escape, and the drawer stays open.
    if (event.key !== "Escape" || !open || !event.currentTarget.contains(event.target as Node)) return;
    event.preventDefault();
    setOpen(false);
    button.current?.focus();
  }

  return (
    <aside
      onKeyDown={onKeyDown}
      className="flex w-full shrink-0 flex-col border-b border-zinc-200 bg-zinc-50 lg:sticky lg:top-0 lg:h-screen lg:w-60 lg:border-r lg:border-b-0 lg:bg-zinc-50/80"
    >
      <div className="flex min-h-14 items-center justify-between gap-3 py-3 pr-16 pl-4 lg:px-4 lg:pt-4">
        {logo}
        <button
          ref={button}
          type="button"
          className="inline-flex h-9 items-center gap-1.5 rounded-md px-2.5 text-sm font-medium text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600 lg:hidden"
          aria-expanded={open}
          aria-controls="portal-menu"
          onClick={() => setOpen((was) => !was)}
        >
          {open ? <X className="size-4" aria-hidden /> : <Menu className="size-4" aria-hidden />}
          Menu
        </button>
      </div>
      <div id="portal-menu" className={cn("min-h-0 flex-1 flex-col", open ? "flex" : "hidden lg:flex")}>
        {children}
      </div>
    </aside>
  );
}
