"use client";

import { OverlapSelect } from "./overlap-select";
import { useHydrated } from "@/lib/use-hydrated";
import { RefreshCw, RotateCw, ShieldAlert, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "@/components/ui/toaster";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { formatDateTime } from "@/lib/format";
import { SECRET_OVERLAPS, type SecretOverlap } from "@/lib/schemas/secret-overlaps";
import { deleteKeyAction } from "@/lib/actions/delete-key";
import { regenerateKeyAction } from "@/lib/actions/regenerate-key";
import { reportKeyLeakedAction } from "@/lib/actions/report-key-leaked";
import { LazyStepUpDialog } from "@/components/auth/lazy-step-up-dialog";
import { settlePinResult, type ActionOutcome } from "@/components/auth/step-up-outcome";
import { preloadOn } from "@/components/ui/lazy-dialog";
import { LazyRenewKeyDialog } from "./lazy-dialogs";
import { SecretModal } from "./secret-modal";

interface KeyActionsProps {
  keyId: string;
  alias: string;
  prefix: string;
  applicationName: string;
  frozen: boolean;
  /** Expiring or frozen: Renew is then the page's primary action. */
  due: boolean;
  /** Found in public: it cannot be renewed, and a regeneration stops the leaked secret at once. */
  leaked: boolean;
  /** Renewed as a narrower key: it stops at the end of its overlap, so Renew is not offered (the server refuses it too). */
  replaced?: boolean;
  can: { renew: boolean; regenerate: boolean; delete: boolean };
  roleName: string;
}

type Open = null | "renew" | "regenerate" | "confirm-delete" | "delete" | "report-leak";

/** As the server allows it (lib/keys/report-key-leaked.ts). */
const WHERE_MAX = 500;

/** "renew, regenerate or delete": what the role cannot do, in one sentence. */
function listed(verbs: string[]): string {
  return verbs.length <= 1 ? (verbs[0] ?? "") : `${verbs.slice(0, -1).join(", ")} or ${verbs.at(-1)}`;
}

/** Pointed at or focused, a button starts loading the dialogs it opens. */
const preloadRenew = preloadOn(LazyRenewKeyDialog);
const preloadStepUp = preloadOn(LazyStepUpDialog);

export function KeyActions({ keyId, alias, prefix, applicationName, frozen, due, leaked, replaced = false, can, roleName }: KeyActionsProps) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [open, setOpen] = useState<Open>(null);
  const [typed, setTyped] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const [overlap, setOverlap] = useState<SecretOverlap>("none");
  const [oldSecretUntil, setOldSecretUntil] = useState<string | null>(null);
  const [where, setWhere] = useState("");
  const [whereError, setWhereError] = useState<string | null>(null);

  // A leaked key is never renewed (the server refuses it too): Renew is not offered, nor missed.
  const renewable = !leaked && !replaced;
  const unavailable = [renewable && !can.renew && "renew", !can.regenerate && "regenerate", !can.delete && "delete"].filter(
    (v): v is string => typeof v === "string",
  );
  const outcome = (result: ActionOutcome, success: () => void) => settlePinResult(result, { success, close: () => setOpen(null) });

  return (
    <div className="flex flex-wrap gap-2">
      {!renewable ? null : (
        <Button
          variant={due && can.renew ? "primary" : "secondary"}
          disabled={!hydrated || !can.renew}
          {...preloadRenew}
          onClick={() => setOpen("renew")}
          aria-describedby={can.renew ? undefined : "key-actions-why"}
        >
          <RotateCw aria-hidden /> Renew
        </Button>
      )}
      <Button
        variant={leaked && can.regenerate ? "primary" : "secondary"}
        disabled={!hydrated || !can.regenerate}
        {...preloadStepUp}
        onClick={() => setOpen("regenerate")}
        aria-describedby={can.regenerate ? undefined : "key-actions-why"}
      >
        <RefreshCw aria-hidden /> Regenerate
      </Button>
      <Button
        variant="destructive"
        disabled={!hydrated || !can.delete}
        {...preloadStepUp}
        onClick={() => {
          setTyped("");
          setOpen("confirm-delete");
        }}
        aria-describedby={can.delete ? undefined : "key-actions-why"}
      >
        <Trash2 aria-hidden /> Delete
      </Button>
      {leaked || !can.delete ? null : (
        <Button
          variant="secondary"
          disabled={!hydrated}
          {...preloadStepUp}
          onClick={() => {
            setWhere("");
            setWhereError(null);
            setOpen("report-leak");
          }}
        >
          <ShieldAlert aria-hidden /> Report as leaked
        </Button>
      )}
      {unavailable.length > 0 ? (
        // Visible, not a tooltip: keyboard and touch users see why too.
        <p id="key-actions-why" className="w-full text-xs text-zinc-600">
          Your role ({roleName}) cannot {listed(unavailable)} keys.
        </p>
      ) : null}

      {/* Mounted even once the key cannot be renewed: a narrower renewal makes this very key "replaced",
          and the new key's one-time secret modal lives in this dialog, which must outlive that re-render. */}
      <LazyRenewKeyDialog open={open === "renew"} onOpenChange={(o) => setOpen(o ? "renew" : null)} keyId={keyId} alias={alias} frozen={frozen} />

      <LazyStepUpDialog
        open={open === "regenerate"}
        onOpenChange={(o) => {
          setOpen(o ? "regenerate" : null);
          if (!o) setOverlap("none");
        }}
        title={`Regenerate “${alias}”`}
        description={
          <>
            A new secret replaces the current one.{" "}
            {leaked ? (
              <>
                The leaked secret <span className="font-mono">{prefix}…</span> stays refused, and the key works again with the new one;
              </>
            ) : overlap === "none" ? (
              <>
                Calls using <span className="font-mono">{prefix}…</span> stop working immediately;
              </>
            ) : (
              <>
                Calls using <span className="font-mono">{prefix}…</span> keep working for {SECRET_OVERLAPS[overlap].label}, then stop;
              </>
            )}{" "}
            the alias, accounts and permissions stay.
          </>
        }
        extra={
          // The leaked secret is public: it stops at once, so no overlap is offered.
          leaked ? undefined : (
            <OverlapSelect
              id="regenerate-overlap"
              label="When the old secret stops working"
              hint="An overlap lets you move your integration to the new secret first."
              value={overlap}
              onChange={setOverlap}
            />
          )
        }
        confirmLabel="Regenerate"
        onSubmit={async (stepUp) => {
          const result = await regenerateKeyAction({ keyId, overlap, ...stepUp });
          return outcome(result, () => {
            setOpen(null);
            setOverlap("none");
            if (result.ok) {
              setOldSecretUntil(result.data.previousSecretWorksUntil);
              setSecret(result.data.key);
            }
          });
        }}
      />
      <SecretModal
        secret={secret}
        title={`New secret for “${alias}”`}
        onDone={() => {
          setSecret(null);
          toast.success(oldSecretUntil ? `Key regenerated. The old secret works until ${formatDateTime(new Date(oldSecretUntil))}.` : "Key regenerated");
          setOldSecretUntil(null);
          router.refresh();
        }}
      />

      <Dialog open={open === "confirm-delete"} onOpenChange={(o) => setOpen(o ? "confirm-delete" : null)}>
        <DialogContent>
          <DialogTitle>Delete “{alias}”?</DialogTitle>
          <DialogDescription>
            Calls from {applicationName} using <span className="font-mono">{prefix}…</span> will fail immediately. This cannot be undone; the audit trail keeps
            a record.
          </DialogDescription>
          <form
            className="mt-5"
            onSubmit={(e) => {
              e.preventDefault();
              if (typed.trim() === alias) setOpen("delete");
            }}
          >
            <Field id="confirm-alias" label={`Type “${alias}” to confirm`}>
              <Input id="confirm-alias" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
            </Field>
            <DialogFooter>
              <Button type="button" variant="secondary" onClick={() => setOpen(null)}>
                Cancel
              </Button>
              <Button type="submit" variant="destructive" disabled={typed.trim() !== alias}>
                Continue
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
      <LazyStepUpDialog
        open={open === "report-leak"}
        onOpenChange={(o) => setOpen(o ? "report-leak" : null)}
        title={`Report “${alias}” as leaked`}
        description={
          <>
            Use this when the key was exposed — committed to a repository, pasted in a chat, sent by e-mail. The API refuses{" "}
            <span className="font-mono">{prefix}…</span> from now on, and everyone who may renew or delete keys is told. Afterwards, regenerate it or delete it:
            a leaked key cannot be renewed.
          </>
        }
        extra={
          <Field
            id="leak-where"
            label="Where was it found? (optional)"
            error={whereError ?? undefined}
            hint="A link or a few words, e.g. “pasted in the #ops chat”."
          >
            <Input
              id="leak-where"
              autoComplete="off"
              maxLength={WHERE_MAX}
              value={where}
              aria-invalid={whereError ? true : undefined}
              aria-describedby={whereError ? "leak-where-error" : "leak-where-hint"}
              onChange={(e) => setWhere(e.target.value)}
            />
          </Field>
        }
        confirmLabel="Report as leaked"
        destructive
        onSubmit={async (stepUp) => {
          const result = await reportKeyLeakedAction({ keyId, where, ...stepUp });
          const fieldError = result.ok ? undefined : result.fieldErrors?.where;
          setWhereError(fieldError ?? null);
          if (fieldError) return { ok: false, error: "Check where it was found, then confirm again." };
          return outcome(result, () => {
            setOpen(null);
            toast.success(`“${alias}” is frozen as leaked. Regenerate or delete it.`);
            router.refresh();
          });
        }}
      />
      <LazyStepUpDialog
        open={open === "delete"}
        onOpenChange={(o) => setOpen(o ? "delete" : null)}
        title={`Delete “${alias}”`}
        description="Confirm it is you. The key stops working the moment you do."
        confirmLabel="Delete key"
        destructive
        onSubmit={async (stepUp) =>
          outcome(await deleteKeyAction({ keyId, confirmAlias: typed, ...stepUp }), () => {
            setOpen(null);
            toast.success(`“${alias}” deleted`);
            router.push("/keys");
            router.refresh();
          })
        }
      />
    </div>
  );
}
