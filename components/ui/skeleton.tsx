import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/lib/utils";

/** A grey placeholder in the shape of what is loading; it pulses unless the person asked for less motion. */
export function Skeleton({ className, ...props }: ComponentProps<"div">) {
  return <div aria-hidden className={cn("animate-pulse rounded-md bg-zinc-200/80 motion-reduce:animate-none", className)} {...props} />;
}

/**
 * A page that is loading: the placeholders, and "Loading…" said once to screen readers (the
 * placeholders themselves are hidden from them).
 */
export function LoadingPage({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="status" aria-busy="true">
      <span className="sr-only">{label}</span>
      {children}
    </div>
  );
}

/** The page header's shape: breadcrumb, title, one line of explanation and, when the page has one, its action. */
export function HeaderSkeleton({ action = true }: { action?: boolean }) {
  return (
    <div className="border-b border-zinc-200 bg-white">
      <div className="mx-auto max-w-[1200px] px-4 pt-4 pb-6 md:px-8">
        <Skeleton className="h-3 w-40" />
        <div className="mt-4 flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
          <div className="space-y-2.5">
            <Skeleton className="h-7 w-48" />
            <Skeleton className="h-4 w-full max-w-md" />
          </div>
          {action ? <Skeleton className="h-9 w-32" /> : null}
        </div>
      </div>
    </div>
  );
}

/** A table's shape: a header row and `rows` rows of `columns` cells, in the table's own frame. */
export function TableSkeleton({ rows = 6, columns = 5 }: { rows?: number; columns?: number }) {
  const cells = Array.from({ length: columns }, (_, c) => c);
  return (
    <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-xs">
      <div className="flex gap-6 border-b border-zinc-200 bg-zinc-50 px-4 py-3">
        {cells.map((c) => (
          <Skeleton key={c} className={cn("h-3 flex-1", c === 0 && "flex-[2]")} />
        ))}
      </div>
      {Array.from({ length: rows }, (_, r) => r).map((r) => (
        <div key={r} className="flex gap-6 border-b border-zinc-100 px-4 py-4 last:border-b-0">
          {cells.map((c) => (
            <Skeleton key={c} className={cn("h-4 flex-1", c === 0 && "flex-[2]", c > 1 && "max-sm:hidden")} />
          ))}
        </div>
      ))}
    </div>
  );
}
