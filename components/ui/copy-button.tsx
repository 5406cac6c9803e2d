"use client";

import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

/**
 * Copies `value` to the clipboard. Success and failure are said in a live region of their own (a
 * button's name changing is not reliably announced); a failure stays visible, with what to do.
 */
export function CopyButton({ value, label, size = "md", className }: { value: string; label?: string; size?: "sm" | "md"; className?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
  }

  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button
        type="button"
        variant="secondary"
        size={size}
        onClick={copy}
        className={cn("h-auto grow", className)}
        aria-label={label && state !== "copied" ? label : undefined}
      >
        {state === "copied" ? <Check className="text-emerald-700" aria-hidden /> : <Copy aria-hidden />}
        {state === "copied" ? "Copied ✓" : "Copy"}
      </Button>
      <span role="status" className={cn("text-xs", state === "failed" ? "max-w-48 text-right text-red-700" : "sr-only")}>
        {state === "copied" ? "Copied to the clipboard" : state === "failed" ? "Could not copy. Select the text and copy it yourself." : ""}
      </span>
    </span>
  );
}
