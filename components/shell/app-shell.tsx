import { MonitorSmartphone } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "./logo";
import { NavLinks } from "./nav-links";
import { OrganisationSwitcher, type SwitcherOrganisation } from "./organisation-switcher";
import { ShellSidebar } from "./shell-sidebar";
import { SignOutButton } from "./sign-out-button";

export interface ShellProps {
  user: { name: string; email: string };
  current: SwitcherOrganisation;
  organisations: SwitcherOrganisation[];
  /** The notification bell, top right of the content. */
  bell?: ReactNode;
  /** Whether the member manages webhooks (the Webhooks entry in the navigation). */
  webhooks?: boolean;
  children: ReactNode;
}

function initials(name: string) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase())
    .slice(0, 2)
    .join("");
}

export function AppShell({ user, current, organisations, bell, webhooks = false, children }: ShellProps) {
  return (
    <div className="relative flex min-h-screen flex-col lg:flex-row">
      <a
        href="#content"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <ShellSidebar logo={<Logo />}>
        <div className="border-y border-zinc-200 px-2 py-2">
          <OrganisationSwitcher current={current} organisations={organisations} />
        </div>
        <div className="flex-1 overflow-y-auto px-2 py-3">
          <NavLinks webhooks={webhooks} />
        </div>
        <div className="border-t border-zinc-200 p-3">
          <div className="flex items-center gap-2.5">
            <span className="grid size-8 shrink-0 place-items-center rounded-full bg-accent-100 text-xs font-semibold text-accent-700" aria-hidden>
              {initials(user.name)}
            </span>
            <span className="min-w-0 leading-tight">
              <span className="block truncate text-sm font-medium text-zinc-900">{user.name}</span>
              <span className="block truncate text-xs text-zinc-500">
                {current.roleName} · {current.orgName}
              </span>
            </span>
          </div>
          <Link
            href="/settings#sessions"
            className="mt-2 flex w-full items-center gap-1.5 rounded-md px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900"
          >
            <MonitorSmartphone className="size-4" aria-hidden />
            Your sign-in and sessions
          </Link>
          <SignOutButton className="w-full justify-start" />
        </div>
      </ShellSidebar>
      <main id="content" tabIndex={-1} className="min-w-0 flex-1 focus:outline-none lg:relative">
        {/* Below 1024 px the bell sits at the right end of the sidebar's top bar (this box is placed
            against the whole shell, and the bar leaves room for it); from 1024 px up, at the top right
            of the content, level with the breadcrumb, which leaves room for it too. */}
        {bell ? <div className="absolute top-2.5 right-4 z-10 lg:top-1.5 lg:right-6">{bell}</div> : null}
        {children}
      </main>
    </div>
  );
}
