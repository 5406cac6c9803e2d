"use client";

import { Check } from "lucide-react";
import type { KeyboardEvent, ReactNode } from "react";
import { cn } from "@/lib/utils";

export interface SegmentedOption<T extends string> {
  value: T;
  label: ReactNode;
  /** Unavailable: skipped by the arrow keys; say why with `describedBy`. */
  disabled?: boolean;
  /** The id of the text that describes the option, e.g. why it is unavailable. */
  describedBy?: string;
  title?: string;
}

/**
 * A single choice among a few options, drawn as one row of segments: a radio group (ARIA's pattern,
 * with buttons), so it is one tab stop and the arrow keys move and choose, Home and End jump; Space
 * chooses, Enter does not. The chosen segment carries a
 * check mark and a 3:1 accent border, and in forced colours the system's Highlight, so it never
 * depends on a shade of grey. `value` may match no option (nothing is chosen then).
 */
export function SegmentedControl<T extends string>({
  label,
  value,
  onValueChange,
  options,
  size = "md",
  describedBy,
  className,
}: {
  /** The group's accessible name. */
  label: string;
  value: T | null | undefined;
  onValueChange: (value: T) => void;
  options: readonly SegmentedOption<T>[];
  size?: "sm" | "md";
  /** The id of text that describes the whole group, e.g. its current state. */
  describedBy?: string;
  className?: string;
}) {
  // The group's one tab stop: the chosen segment, or the first that can be chosen.
  const tabStop = options.find((o) => o.value === value && !o.disabled)?.value ?? options.find((o) => !o.disabled)?.value;
  return (
    <div
      role="radiogroup"
      aria-label={label}
      aria-describedby={describedBy}
      className={cn("inline-flex max-w-full flex-wrap gap-0.5 rounded-lg border border-zinc-300 bg-zinc-50 p-0.5", className)}
    >
      {options.map((option) => {
        const checked = option.value === value;
        return (
          // biome-ignore lint/a11y/useSemanticElements: a segment is a button in the radio role (as Radix drew it), styled and focused as one
          <button
            key={option.value}
            type="button"
            role="radio"
            aria-checked={checked}
            data-state={checked ? "checked" : "unchecked"}
            value={option.value}
            tabIndex={option.value === tabStop ? 0 : -1}
            disabled={option.disabled}
            aria-describedby={option.describedBy}
            title={option.title}
            onClick={() => {
              if (!checked) onValueChange(option.value);
            }}
            onKeyDown={(event) => {
              // A radio is chosen with Space (the button's click), not Enter.
              if (event.key === "Enter") {
                event.preventDefault();
                return;
              }
              const next = arrowTarget(event);
              if (!next) return;
              // Move and choose at once.
              event.preventDefault();
              next.focus();
              onValueChange(next.value as T);
            }}
            className={cn(
              "group inline-flex items-center gap-1 rounded-md border font-medium tracking-normal whitespace-nowrap normal-case",
              "focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-accent-500",
              size === "sm" ? "min-h-7 px-2 text-xs" : "min-h-8 px-2.5 text-sm",
              // Chosen: white on the grey track, an accent border (≥ 3:1 against both) and a check mark.
              "data-[state=checked]:border-accent-600 data-[state=checked]:bg-white data-[state=checked]:text-zinc-900 data-[state=checked]:shadow-xs",
              "data-[state=unchecked]:border-transparent data-[state=unchecked]:text-zinc-700 data-[state=unchecked]:hover:bg-white data-[state=unchecked]:hover:text-zinc-900",
              "disabled:cursor-not-allowed disabled:text-zinc-500 disabled:hover:bg-transparent disabled:hover:text-zinc-500",
              // Forced colours replace every colour above; the chosen segment takes the system's Highlight.
              // (forced-color-adjust: none keeps those system colours, and the text's backplate off the Highlight.)
              "forced-colors:data-[state=checked]:border-[Highlight] forced-colors:data-[state=checked]:bg-[Highlight] forced-colors:data-[state=checked]:text-[HighlightText] forced-colors:data-[state=checked]:forced-color-adjust-none",
              "forced-colors:disabled:text-[GrayText]",
            )}
          >
            {checked ? (
              <Check
                className={cn("shrink-0 text-accent-600 forced-colors:text-[HighlightText]", size === "sm" ? "size-3" : "size-3.5")}
                strokeWidth={3}
                aria-hidden
              />
            ) : null}
            {option.label}
          </button>
        );
      })}
    </div>
  );
}

/** The enabled segment an arrow, Home or End key moves to, wrapping around; none for other keys. */
function arrowTarget(event: KeyboardEvent<HTMLButtonElement>): HTMLButtonElement | undefined {
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
  if (step === undefined && event.key !== "Home" && event.key !== "End") return undefined;
  if (event.altKey || event.ctrlKey || event.metaKey) return undefined;
  const group = event.currentTarget.closest('[role="radiogroup"]');
  const items = [...(group?.querySelectorAll<HTMLButtonElement>('[role="radio"]:not(:disabled)') ?? [])];
  if (items.length === 0) return undefined;
  if (event.key === "Home") return items[0];
  if (event.key === "End") return items[items.length - 1];
  const rtl =
    getComputedStyle(event.currentTarget).direction === "rtl" && event.key.startsWith("Arrow") && !event.key.endsWith("Down") && !event.key.endsWith("Up");
  const at = items.indexOf(event.currentTarget);
  return items[(at + (rtl ? -step! : step!) + items.length) % items.length];
}
