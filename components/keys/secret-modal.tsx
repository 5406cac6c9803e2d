"use client";

import { ShieldAlert, TriangleAlert } from "lucide-react";
import { useId, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogContent, DialogDescription, DialogTitle } from "@/components/ui/dialog";

/**
 * Shows a new secret once. It cannot be dismissed — not by Escape, the backdrop or a close button —
 * until the person confirms they stored it. The secret lives only in this component's props and is
 * gone from the page when it closes.
 */
export function SecretModal({
  secret,
  title,
  onDone,
  noun = "key",
  keptAs = "fingerprint",
  warnAgainstSharing = noun === "key",
  children,
}: {
  secret: string | null;
  title: string;
  onDone: () => void;
  /** What the secret is, in the modal's sentences: "key", "client secret", "invitation link". */
  noun?: string;
  /**
   * How Latchkey keeps it: a fingerprint (keys, client secrets — it can never be shown again), or
   * sealed (a webhook signing secret, which Latchkey needs back to sign with and still never shows).
   */
  keptAs?: "fingerprint" | "sealed";
  /** Seed 002's warning that whoever holds the secret acts as the organisation; on by default for keys. */
  warnAgainstSharing?: boolean;
  /** Anything to show above the secret, such as the client ID that goes with it. */
  children?: ReactNode;
}) {
  const [stored, setStored] = useState(false);
  const checkboxId = useId();
  const open = secret !== null;

  return (
    <Dialog open={open}>
      <DialogContent
        closable={false}
        className="max-w-lg"
        onEscapeKeyDown={(e) => e.preventDefault()}
        onPointerDownOutside={(e) => e.preventDefault()}
        onInteractOutside={(e) => e.preventDefault()}
      >
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>Copy the {noun} now and keep it somewhere safe, such as your secrets manager.</DialogDescription>
        {children}
        <p className="mt-4 text-sm font-medium text-zinc-800">The new {noun === "key" ? "API key" : noun}</p>
        {/* The text itself is what a screen reader reads out; a click selects all of it (select-all). */}
        <div className="mt-1.5 flex items-stretch gap-2">
          <code
            data-testid="new-secret"
            className="min-w-0 flex-1 cursor-text rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2.5 font-mono text-[13px] break-all text-zinc-900 select-all"
          >
            {secret}
          </code>
          {secret ? <CopyButton key={secret} value={secret} /> : null}
        </div>
        <div className="mt-4 space-y-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2.5 text-sm text-amber-900">
          <p className="flex gap-2">
            <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
            <span>
              This is the only time this {noun} is shown.{" "}
              {keptAs === "sealed"
                ? "Latchkey keeps it encrypted, to sign with, and never shows it again."
                : "Latchkey keeps only a fingerprint of it and cannot show it again."}
            </span>
          </p>
          {warnAgainstSharing ? (
            <p className="flex gap-2 border-t border-amber-200 pt-2" data-testid="third-party-warning">
              <ShieldAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
              <span>
                <strong className="font-semibold">Never give this {noun} to a third party.</strong> Anyone holding it can act as your organisation, with
                everything it allows.
              </span>
            </p>
          ) : null}
        </div>
        <div className="mt-5 flex items-center gap-2.5">
          <input
            id={checkboxId}
            type="checkbox"
            checked={stored}
            onChange={(e) => setStored(e.target.checked)}
            className="size-4 rounded border-zinc-300 accent-accent-600"
          />
          <label htmlFor={checkboxId} className="text-sm text-zinc-800">
            I have stored this {noun} somewhere safe
          </label>
        </div>
        <div className="mt-6 flex justify-end">
          <Button
            type="button"
            disabled={!stored}
            onClick={() => {
              setStored(false);
              onDone();
            }}
          >
            Done
          </Button>
        </div>
      </DialogContent>
    </Dialog>
  );
}
