"use client";

import { useHydrated } from "@/lib/use-hydrated";
import { RefreshCw, RotateCw, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { deleteKeyAction } from "@/lib/actions/delete-key";
import { regenerateKeyAction } from "@/lib/actions/regenerate-key";
import { PinDialog, settlePinResult, type ActionOutcome } from "./pin-dialog";
import { RenewKeyDialog } from "./renew-key-dialog";
import { SecretModal } from "./secret-modal";

interface KeyActionsProps {
  keyId: string;
  alias: string;
  prefix: string;
  applicationName: string;
  frozen: boolean;
  /** Expiring or frozen: Renew is then the page's primary action. */
  due: boolean;
  can: { renew: boolean; regenerate: boolean; delete: boolean };
  roleName: string;
}

type Open = null | "renew" | "regenerate" | "confirm-delete" | "delete";

function Unavailable({ id, roleName, what }: { id: string; roleName: string; what: string }) {
  return (
    <span id={id} className="sr-only">
      Your role ({roleName}) cannot {what} keys.
    </span>
  );
}

export function KeyActions({ keyId, alias, prefix, applicationName, frozen, due, can, roleName }: KeyActionsProps) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [open, setOpen] = useState<Open>(null);
  const [typed, setTyped] = useState("");
  const [secret, setSecret] = useState<string | null>(null);

  const outcome = (result: ActionOutcome, success: () => void) => settlePinResult(result, { success, close: () => setOpen(null) });

  return (
    <div className="flex flex-wrap gap-2">
      <span title={can.renew ? undefined : `Your role (${roleName}) cannot renew keys`}>
        <Button
          variant={due && can.renew ? "primary" : "secondary"}
          disabled={!hydrated || !can.renew}
          onClick={() => setOpen("renew")}
          aria-describedby={can.renew ? undefined : "why-renew"}
        >
          <RotateCw aria-hidden /> Renew
        </Button>
      </span>
      {!can.renew ? <Unavailable id="why-renew" roleName={roleName} what="renew" /> : null}
      <span title={can.regenerate ? undefined : `Your role (${roleName}) cannot regenerate keys`}>
        <Button
          variant="secondary"
          disabled={!hydrated || !can.regenerate}
          onClick={() => setOpen("regenerate")}
          aria-describedby={can.regenerate ? undefined : "why-regenerate"}
        >
          <RefreshCw aria-hidden /> Regenerate
        </Button>
      </span>
      {!can.regenerate ? <Unavailable id="why-regenerate" roleName={roleName} what="regenerate" /> : null}
      <span title={can.delete ? undefined : `Your role (${roleName}) cannot delete keys`}>
        <Button
          variant="destructive"
          disabled={!hydrated || !can.delete}
          onClick={() => {
            setTyped("");
            setOpen("confirm-delete");
          }}
          aria-describedby={can.delete ? undefined : "why-delete"}
        >
          <Trash2 aria-hidden /> Delete
        </Button>
      </span>
      {!can.delete ? <Unavailable id="why-delete" roleName={roleName} what="delete" /> : null}

      <RenewKeyDialog open={open === "renew"} onOpenChange={(o) => setOpen(o ? "renew" : null)} keyId={keyId} alias={alias} frozen={frozen} />

      <PinDialog
        open={open === "regenerate"}
        onOpenChange={(o) => setOpen(o ? "regenerate" : null)}
        title={`Regenerate “${alias}”`}
        description={
          <>
            A new secret replaces the current one. Calls using <span className="font-mono">{prefix}…</span> stop working immediately; the alias, accounts and
            permissions stay.
          </>
        }
        confirmLabel="Regenerate"
        onSubmit={async (pin) => {
          const result = await regenerateKeyAction({ keyId, pin });
          return outcome(result, () => {
            setOpen(null);
            if (result.ok) setSecret(result.data.key);
          });
        }}
      />
      <SecretModal
        secret={secret}
        title={`New secret for “${alias}”`}
        onDone={() => {
          setSecret(null);
          toast.success("Key regenerated");
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
      <PinDialog
        open={open === "delete"}
        onOpenChange={(o) => setOpen(o ? "delete" : null)}
        title={`Delete “${alias}”`}
        description="Confirm with your PIN. The key stops working the moment you do."
        confirmLabel="Delete key"
        destructive
        onSubmit={async (pin) =>
          outcome(await deleteKeyAction({ keyId, confirmAlias: typed, pin }), () => {
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
