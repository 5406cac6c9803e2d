import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

/**
 * A table in its own scroller: when it is wider than the page, it scrolls sideways by itself (the
 * page never does), and the scroller is a named region that takes focus, so the arrow keys scroll it.
 * `relative` keeps screen-reader-only text inside it from widening the page.
 */
export function Table({ className, label, ...props }: ComponentProps<"table"> & { label: string }) {
  return (
    <section
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroller must take focus to be scrolled by keyboard (WCAG 2.1.1)
      tabIndex={0}
      data-scroll-region
      className="relative overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
    >
      <table aria-label={props["aria-label"] ?? label} className={cn("w-full border-collapse text-sm", className)} {...props} />
    </section>
  );
}

export function Th({ className, ...props }: ComponentProps<"th">) {
  return (
    <th
      scope="col"
      className={cn("sticky top-0 border-b border-zinc-200 bg-zinc-50 px-4 py-2.5 text-left text-xs font-medium text-zinc-500", className)}
      {...props}
    />
  );
}

export function Td({ className, ...props }: ComponentProps<"td">) {
  return <td className={cn("border-b border-zinc-100 px-4 py-3 align-middle", className)} {...props} />;
}
