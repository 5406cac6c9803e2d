import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

const control = [
  "block h-10 w-full rounded-md border border-zinc-300 bg-white px-3 text-sm text-zinc-900 shadow-sm placeholder:text-zinc-500",
  "focus-visible:border-accent-500 focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-accent-600",
  "aria-invalid:border-red-500 aria-invalid:focus-visible:outline-red-600 disabled:opacity-60",
];

export function Input({ className, ...props }: ComponentProps<"input">) {
  return <input className={cn(...control, className)} {...props} />;
}

export function Textarea({ className, ...props }: ComponentProps<"textarea">) {
  return <textarea className={cn(...control, "h-auto min-h-24 py-2 font-mono", className)} {...props} />;
}

export function Select({ className, ...props }: ComponentProps<"select">) {
  return <select className={cn(...control, "pr-8", className)} {...props} />;
}
