"use client";

import { Loader2, LockKeyhole } from "lucide-react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { toast } from "@/components/ui/toaster";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogTitle } from "@/components/ui/dialog";
import { cn } from "@/lib/utils";

export type PinOutcome = { ok: true } | { ok: false; error: string; code?: string };

/** Refusals about the PIN itself keep the dialog open, with the message under the field. */
export function isPinRefusal(code: string | undefined): boolean {
  return code === "pin_invalid" || code === "pin_locked" || code === "pin_busy";
}

/** What a PIN-confirmed server action answers. */
export type ActionOutcome = { ok: boolean; error?: string; code?: string; fieldErrors?: Record<string, string> };

/**
 * What an action's result means for its PIN dialog: success runs `success`; a PIN refusal keeps the
 * dialog open with its message; any other refusal closes it and says why in a toast.
 */
export function settlePinResult(result: ActionOutcome, on: { success: () => void; close: () => void }): PinOutcome {
  if (result.ok) {
    on.success();
    return { ok: true };
  }
  if (isPinRefusal(result.code)) return { ok: false, error: result.error!, code: result.code };
  on.close();
  toast.error(result.error ?? "That did not work. Try again.");
  return { ok: true };
}

/**
 * Asks for the member's PIN and runs the action with it. The action itself checks the PIN on the
 * server; this dialog only collects it. Submits on the sixth digit.
 */
export function PinDialog({
  open,
  onOpenChange,
  title,
  description,
  confirmLabel,
  destructive = false,
  extra,
  onSubmit,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  destructive?: boolean;
  /** Fields the action needs besides the PIN, shown above it (the PIN field still takes focus first). */
  extra?: ReactNode;
  onSubmit: (pin: string) => Promise<PinOutcome>;
}) {
  const [pin, setPin] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [locked, setLocked] = useState(false);
  const [pending, setPending] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (open) {
      setPin("");
      setError(null);
      setLocked(false);
    }
  }, [open]);

  async function submit(value: string) {
    if (pending || value.length !== 6) return;
    setPending(true);
    setError(null);
    const outcome = await onSubmit(value);
    setPending(false);
    if (!outcome.ok) {
      setError(outcome.error);
      setLocked(outcome.code === "pin_locked");
      setPin("");
      requestAnimationFrame(() => input.current?.focus());
    }
  }

  return (
    <Dialog open={open} onOpenChange={(next) => !pending && onOpenChange(next)}>
      <DialogContent onOpenAutoFocus={(e) => (e.preventDefault(), input.current?.focus())}>
        <span className="mb-3 grid size-10 place-items-center rounded-full bg-accent-50 text-accent-600">
          <LockKeyhole className="size-5" aria-hidden />
        </span>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription asChild>
          <div>{description}</div>
        </DialogDescription>
        <form
          className="mt-5"
          onSubmit={(e) => {
            e.preventDefault();
            void submit(pin);
          }}
        >
          {extra ? <div className="mb-4">{extra}</div> : null}
          <label htmlFor="action-pin" className="block text-sm font-medium text-zinc-800">
            Your 6-digit PIN
          </label>
          <input
            ref={input}
            id="action-pin"
            name="pin"
            type="password"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            maxLength={6}
            disabled={pending || locked}
            value={pin}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "action-pin-error" : undefined}
            onChange={(e) => {
              const digits = e.target.value.replace(/\D/g, "").slice(0, 6);
              setPin(digits);
              if (digits.length === 6) void submit(digits);
            }}
            className={cn(
              "mt-1.5 block h-12 w-full rounded-md border border-zinc-300 bg-white text-center font-mono text-2xl tracking-[0.6em] shadow-sm",
              "focus-visible:border-accent-500 focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-accent-500/40",
              error && "border-red-500",
            )}
          />
          {error ? (
            <p id="action-pin-error" role="alert" className="mt-2 text-sm text-red-700">
              {error}
            </p>
          ) : null}
          <DialogFooter>
            <Button type="button" variant="secondary" onClick={() => onOpenChange(false)} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" variant={destructive ? "destructive" : "primary"} disabled={pending || locked || pin.length !== 6}>
              {pending ? <Loader2 className="animate-spin" aria-hidden /> : null}
              {pending ? "Checking…" : confirmLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
