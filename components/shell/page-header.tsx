import { ChevronRight } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";

export interface Crumb {
  label: string;
  href?: string;
}

/**
 * Breadcrumb, title, one line of explanation and the page's primary action: side by side where there
 * is room, the action under the title on a narrow screen. From 1024 px up the breadcrumb leaves room on
 * its right for the notification bell, which sits level with it (below that, the bell is in the top bar).
 */
export function PageHeader({ crumbs, title, description, action }: { crumbs: Crumb[]; title: string; description: string; action?: ReactNode }) {
  return (
    <header className="border-b border-zinc-200 bg-white">
      <div className="mx-auto max-w-[1200px] px-4 pt-4 pb-6 md:px-8">
        <nav aria-label="Breadcrumb" className="flex flex-wrap items-center gap-1 text-xs text-zinc-500 lg:pr-12">
          {crumbs.map((crumb, i) => (
            <span key={crumb.label} className="flex items-center gap-1">
              {i > 0 ? <ChevronRight className="size-3" aria-hidden /> : null}
              {crumb.href ? (
                <Link href={crumb.href} className="hover:text-zinc-900">
                  {crumb.label}
                </Link>
              ) : (
                <span aria-current={i === crumbs.length - 1 ? "page" : undefined}>{crumb.label}</span>
              )}
            </span>
          ))}
        </nav>
        <div className="mt-3 flex flex-col gap-3 sm:flex-row sm:flex-wrap sm:items-end sm:justify-between sm:gap-x-6">
          <div className="min-w-0 sm:flex-1 sm:basis-80">
            <h1 className="text-2xl font-semibold tracking-tight break-words text-zinc-900">{title}</h1>
            <p className="mt-1 text-sm text-zinc-600">{description}</p>
          </div>
          {action ? <div className="flex max-w-full min-w-0 flex-wrap items-center gap-2">{action}</div> : null}
        </div>
      </div>
    </header>
  );
}

export function PageBody({ children }: { children: ReactNode }) {
  return <div className="mx-auto max-w-[1200px] space-y-6 px-4 py-6 md:px-8">{children}</div>;
}
