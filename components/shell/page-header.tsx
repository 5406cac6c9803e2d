import { ChevronRight } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";

export interface Crumb {
  label: string;
  href?: string;
}

/** Breadcrumb, title, one line of explanation and the page's primary action. */
export function PageHeader({ crumbs, title, description, action }: { crumbs: Crumb[]; title: string; description: string; action?: ReactNode }) {
  return (
    <header className="border-b border-zinc-200 bg-white">
      <div className="mx-auto max-w-[1200px] px-4 pt-4 pb-6 md:px-8">
        <nav aria-label="Breadcrumb" className="flex flex-wrap items-center gap-1 pr-12 text-xs text-zinc-500 md:pr-0">
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
        <div className="mt-3 flex flex-wrap items-end justify-between gap-x-6 gap-y-3">
          <div>
            <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">{title}</h1>
            <p className="mt-1 text-sm text-zinc-600">{description}</p>
          </div>
          {action}
        </div>
      </div>
    </header>
  );
}

export function PageBody({ children }: { children: ReactNode }) {
  return <div className="mx-auto max-w-[1200px] space-y-6 px-4 py-6 md:px-8">{children}</div>;
}
