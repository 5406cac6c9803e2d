"use client";

import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

/** Copies `value` to the clipboard and says so, politely, to screen readers too. */
export function CopyButton({ value, label, size = "md", className }: { value: string; label?: string; size?: "sm" | "md"; className?: string }) {
  const [copied, setCopied] = useState(false);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  return (
    <Button
      type="button"
      variant="secondary"
      size={size}
      onClick={copy}
      className={cn("h-auto", className)}
      aria-live="polite"
      aria-label={label && !copied ? label : undefined}
    >
      {copied ? <Check className="text-emerald-600" aria-hidden /> : <Copy aria-hidden />}
      {copied ? "Copied ✓" : "Copy"}
    </Button>
  );
}
