"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useState } from "react";
import { toast } from "@/components/ui/toaster";
import { describeNarrowerRenewalAction } from "@/lib/actions/describe-narrower-renewal";
import { renewKeyAction } from "@/lib/actions/renew-key";
import { renewKeyNarrowerAction } from "@/lib/actions/renew-key-narrower";
import { formatDate, formatDateTime } from "@/lib/format";
import { KEY_LIFETIME_DAYS } from "@/lib/key-status";
import { permissionLabels } from "@/lib/keys/permission-labels";
import type { SecretOverlap } from "@/lib/schemas/secret-overlaps";
import { cn } from "@/lib/utils";
import { OverlapSelect } from "./overlap-select";
import { StepUpDialog } from "@/components/auth/step-up-dialog";
import { settlePinResult } from "@/components/auth/step-up-outcome";
import { SecretModal } from "./secret-modal";

type Description = Extract<Awaited<ReturnType<typeof describeNarrowerRenewalAction>>, { ok: true }>["data"];
type Narrowed = Extract<Awaited<ReturnType<typeof renewKeyNarrowerAction>>, { ok: true }>["data"];
type Choice = "renew" | "narrower";

/**
 * The PIN dialog that renews one key — from its row in the list or from its own page: what the
 * new date will be, the PIN, then a toast and a refreshed page. When the key has not used some of its
 * permissions in the last 90 days it names them, and offers "Renew as a narrower key" instead: a new
 * key with only the permissions it used, its secret shown once, the old key stopping after the
 * overlap the member picks; then the new key's page.
 */
export function RenewKeyDialog({
  open,
  onOpenChange,
  keyId,
  alias,
  frozen,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  keyId: string;
  alias: string;
  frozen: boolean;
}) {
  const router = useRouter();
  const ids = useId();
  const [description, setDescription] = useState<Description | null>(null);
  const [checking, setChecking] = useState(false);
  const [choice, setChoice] = useState<Choice>("renew");
  const [overlap, setOverlap] = useState<SecretOverlap>("24h");
  const [narrowed, setNarrowed] = useState<Narrowed | null>(null);
  const newExpiry = formatDate(new Date(Date.now() + KEY_LIFETIME_DAYS * 86_400_000));

  // Each time it opens: plain renewal first, and what the key used, asked of the server (read only).
  useEffect(() => {
    if (!open) return;
    setChoice("renew");
    setOverlap("24h");
    setChecking(true);
    let current = true;
    void describeNarrowerRenewalAction({ keyId }).then((result) => {
      if (!current) return;
      // Unanswered (a role that may not see it, a network fault): plain renewal, as always.
      setDescription(result.ok ? result.data : null);
      setChecking(false);
    });
    return () => {
      current = false;
    };
  }, [open, keyId]);

  const narrower = choice === "narrower" && description?.canNarrow === true;
  const kept = description ? description.used.map((u) => u.permission) : [];

  return (
    <>
      <StepUpDialog
        open={open}
        onOpenChange={onOpenChange}
        title={narrower ? `Renew “${alias}” as a narrower key` : `Renew “${alias}”`}
        description={
          narrower ? (
            <>
              A new key gets only what this one used — <strong className="text-zinc-900">{permissionLabels(kept)}</strong> — with the same accounts and
              application, for {KEY_LIFETIME_DAYS} days. Its secret is shown once.
            </>
          ) : (
            <>
              The key will work until <strong className="text-zinc-900">{newExpiry}</strong> ({KEY_LIFETIME_DAYS} days from today)
              {frozen ? ", and the API accepts it again at once" : ""}.
            </>
          )
        }
        extra={
          description?.unusedSentence ? (
            <div className="space-y-4">
              <p className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2.5 text-sm text-zinc-800" data-testid="unused-permissions">
                {description.unusedSentence}
              </p>
              {description.canNarrow ? (
                <fieldset>
                  <legend className="text-sm font-medium text-zinc-800">How to renew</legend>
                  <div className="mt-1.5 grid gap-2">
                    {(
                      [
                        ["renew", "Renew", "The same key and permissions, for another 90 days."],
                        ["narrower", "Renew as a narrower key", "A new key without the unused permissions; the old one stops later."],
                      ] as const
                    ).map(([value, label, hint]) => (
                      <label
                        key={value}
                        className={cn(
                          "flex cursor-pointer gap-3 rounded-lg border p-3 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-accent-500",
                          choice === value ? "border-accent-500 bg-accent-50" : "border-zinc-200 hover:border-zinc-300",
                        )}
                      >
                        <input
                          type="radio"
                          name={`${ids}-choice`}
                          value={value}
                          checked={choice === value}
                          onChange={() => setChoice(value)}
                          className="mt-1 accent-accent-600"
                        />
                        <span>
                          <span className="block text-sm font-medium text-zinc-900">{label}</span>
                          <span className="block text-xs text-zinc-600">{hint}</span>
                        </span>
                      </label>
                    ))}
                  </div>
                </fieldset>
              ) : description.reason ? (
                <p className="text-sm text-zinc-600">{description.reason}</p>
              ) : null}
              {narrower ? (
                <OverlapSelect
                  id={`${ids}-overlap`}
                  label="When the old key stops working"
                  hint="An overlap lets you move your integration to the new key first."
                  value={overlap}
                  onChange={setOverlap}
                />
              ) : null}
            </div>
          ) : checking ? (
            <p className="text-sm text-zinc-500">Checking which permissions this key used…</p>
          ) : null
        }
        confirmLabel={narrower ? "Renew as a narrower key" : "Renew key"}
        onSubmit={async (stepUp) => {
          const close = () => {
            onOpenChange(false);
            router.refresh();
          };
          if (narrower) {
            const result = await renewKeyNarrowerAction({ keyId, overlap, ...stepUp });
            return settlePinResult(result, {
              success: () => {
                onOpenChange(false);
                if (result.ok) setNarrowed(result.data);
              },
              close,
            });
          }
          return settlePinResult(await renewKeyAction({ keyId, ...stepUp }), {
            success: () => {
              onOpenChange(false);
              toast.success(`“${alias}” renewed until ${newExpiry}`);
              router.refresh();
            },
            close,
          });
        }}
      />
      <SecretModal
        secret={narrowed?.key ?? null}
        title={narrowed ? `“${narrowed.alias}” is ready` : ""}
        onDone={() => {
          const made = narrowed!;
          setNarrowed(null);
          toast.success(made.retiresAt ? `“${alias}” keeps working until ${formatDateTime(new Date(made.retiresAt))}, then stops.` : `“${alias}” was deleted.`);
          router.push(`/keys/${made.id}`);
          router.refresh();
        }}
      >
        {narrowed ? (
          <p className="mt-3 text-sm text-zinc-700" data-testid="narrowed-summary">
            It can do only this: {permissionLabels(narrowed.kept)}.{" "}
            {narrowed.retiresAt ? `“${alias}” keeps working until ${formatDateTime(new Date(narrowed.retiresAt))}, then stops.` : `“${alias}” stopped working.`}
            {narrowed.pendingApproval ? " The new key can move money, so it works once another member approves it." : ""}
          </p>
        ) : null}
      </SecretModal>
    </>
  );
}
