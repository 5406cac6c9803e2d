"use client";

import type { AuthenticationResponseJSON } from "@simplewebauthn/browser";
import { Fingerprint, Loader2, LockKeyhole } from "lucide-react";
import Link from "next/link";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { useStepUp } from "@/components/shell/step-up-context";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogTitle } from "@/components/ui/dialog";
import type { PinOutcome, StepUp } from "@/components/auth/step-up-outcome";
import { cn } from "@/lib/utils";

function webAuthnAvailable(): boolean {
  return typeof window !== "undefined" && typeof window.PublicKeyCredential === "function";
}

/**
 * Confirms a sensitive action. A member with a passkey is offered it first and the PIN second; the
 * action itself checks either on the server — this dialog only collects it. The PIN submits on its
 * sixth digit.
 */
export function StepUpDialog({
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
  /** Fields the action needs besides the confirmation, shown above it (the confirmation still takes focus first). */
  extra?: ReactNode;
  onSubmit: (stepUp: StepUp) => Promise<PinOutcome>;
}) {
  const { hasPasskey } = useStepUp();
  const [mode, setMode] = useState<"passkey" | "pin">("pin");
  const [pin, setPin] = useState("");
  const [error, setError] = useState<{ message: string; code?: string } | null>(null);
  const [locked, setLocked] = useState(false);
  const [pending, setPending] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const passkeyButton = useRef<HTMLButtonElement>(null);
  const offerPasskey = hasPasskey && webAuthnAvailable();

  useEffect(() => {
    if (open) {
      setPin("");
      setError(null);
      setLocked(false);
      setMode(hasPasskey && webAuthnAvailable() ? "passkey" : "pin");
    }
  }, [open, hasPasskey]);

  function focusCurrent(next: "passkey" | "pin") {
    requestAnimationFrame(() => (next === "pin" ? input.current : passkeyButton.current)?.focus());
  }

  function switchTo(next: "passkey" | "pin") {
    setMode(next);
    setError(null);
    focusCurrent(next);
  }

  function refused(outcome: Extract<PinOutcome, { ok: false }>, via: "passkey" | "pin") {
    setError({ message: outcome.error, code: outcome.code });
    if (via === "pin") {
      setLocked(outcome.code === "pin_locked");
      setPin("");
    }
    focusCurrent(via);
  }

  async function submitPin(value: string) {
    if (pending || value.length !== 6) return;
    setPending(true);
    setError(null);
    const outcome = await onSubmit({ pin: value });
    setPending(false);
    if (!outcome.ok) refused(outcome, "pin");
  }

  async function confirmWithPasskey() {
    if (pending) return;
    setPending(true);
    setError(null);
    try {
      // The action checks who may do what, then answers with a challenge for this action alone.
      const asked = await onSubmit({ passkey: "challenge" });
      if (asked.ok) return;
      if (asked.code !== "passkey_challenge" || !asked.challenge) return refused(asked, "passkey");
      const { startAuthentication } = await import("@simplewebauthn/browser");
      let assertion: AuthenticationResponseJSON;
      try {
        assertion = await startAuthentication({ optionsJSON: asked.challenge });
      } catch {
        return refused({ ok: false, error: "The passkey was not used: it was cancelled or took too long. Try again, or use your PIN." }, "passkey");
      }
      const outcome = await onSubmit({ passkey: assertion });
      if (!outcome.ok) refused(outcome, "passkey");
    } finally {
      setPending(false);
    }
  }

  const errorText = error ? (
    <div id="step-up-error" role="alert" className="mt-2 text-sm text-red-700">
      <p>{error.message}</p>
      {error.code === "passkey_required" || error.code === "no_passkey" ? (
        offerPasskey ? null : (
          <p className="mt-1">
            <Link href="/settings#passkeys" className="font-medium text-accent-700 underline underline-offset-2">
              Add a passkey in Settings
            </Link>
          </p>
        )
      ) : null}
    </div>
  ) : null;

  return (
    <Dialog open={open} onOpenChange={(next) => !pending && onOpenChange(next)}>
      <DialogContent onOpenAutoFocus={(e) => (e.preventDefault(), (mode === "pin" ? input.current : passkeyButton.current)?.focus())}>
        <span className="mb-3 grid size-10 place-items-center rounded-full bg-accent-50 text-accent-600">
          {mode === "passkey" ? <Fingerprint className="size-5" aria-hidden /> : <LockKeyhole className="size-5" aria-hidden />}
        </span>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription asChild>
          <div>{description}</div>
        </DialogDescription>
        {mode === "passkey" ? (
          <div className="mt-5">
            {extra ? <div className="mb-4">{extra}</div> : null}
            <p className="text-sm text-zinc-600">Your device asks for your fingerprint, face or screen lock. The passkey confirms this action only.</p>
            <Button
              ref={passkeyButton}
              type="button"
              className="mt-4 w-full"
              size="lg"
              variant={destructive ? "destructive" : "primary"}
              disabled={pending}
              aria-describedby={error ? "step-up-error" : undefined}
              onClick={() => void confirmWithPasskey()}
            >
              {pending ? <Loader2 className="animate-spin" aria-hidden /> : <Fingerprint aria-hidden />}
              {pending ? "Waiting for your passkey…" : "Use passkey"}
            </Button>
            {errorText}
            <Button type="button" variant="ghost" className="mt-2 w-full" disabled={pending} onClick={() => switchTo("pin")}>
              Use PIN instead
            </Button>
            <DialogFooter>
              <Button type="button" variant="secondary" onClick={() => onOpenChange(false)} disabled={pending}>
                Cancel
              </Button>
            </DialogFooter>
          </div>
        ) : (
          <form
            className="mt-5"
            onSubmit={(e) => {
              e.preventDefault();
              void submitPin(pin);
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
              aria-describedby={error ? "step-up-error" : undefined}
              onChange={(e) => {
                const digits = e.target.value.replace(/\D/g, "").slice(0, 6);
                setPin(digits);
                if (digits.length === 6) void submitPin(digits);
              }}
              className={cn(
                "mt-1.5 block h-12 w-full rounded-md border border-zinc-300 bg-white text-center font-mono text-2xl tracking-[0.6em] shadow-sm",
                "focus-visible:border-accent-500 focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-accent-500/40",
                error && "border-red-500",
              )}
            />
            {errorText}
            {offerPasskey ? (
              <Button type="button" variant="ghost" size="sm" className="mt-2 px-0 text-accent-700" disabled={pending} onClick={() => switchTo("passkey")}>
                <Fingerprint aria-hidden /> Use passkey instead
              </Button>
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
        )}
      </DialogContent>
    </Dialog>
  );
}
