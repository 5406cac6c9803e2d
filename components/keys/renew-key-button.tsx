"use client";

import { RotateCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { renewKeyAction } from "@/lib/actions/renew-key";
import { formatDate } from "@/lib/format";
import { KEY_LIFETIME_DAYS } from "@/lib/key-status";
import { useHydrated } from "@/lib/use-hydrated";
import { PinDialog, settlePinResult } from "./pin-dialog";

/** "Renew" beside an expiring or frozen key in the list: the PIN, a toast, and the row updates in place. */
export function RenewKeyButton({ keyId, alias, frozen }: { keyId: string; alias: string; frozen: boolean }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [open, setOpen] = useState(false);
  const newExpiry = formatDate(new Date(Date.now() + KEY_LIFETIME_DAYS * 86_400_000));
  return (
    <>
      <Button size="sm" variant="secondary" disabled={!hydrated} onClick={() => setOpen(true)} aria-label={`Renew “${alias}”`}>
        <RotateCw aria-hidden /> Renew
      </Button>
      <PinDialog
        open={open}
        onOpenChange={setOpen}
        title={`Renew “${alias}”`}
        description={
          <>
            The key will work until <strong className="text-zinc-900">{newExpiry}</strong> ({KEY_LIFETIME_DAYS} days from today)
            {frozen ? ", and the API accepts it again at once" : ""}.
          </>
        }
        confirmLabel="Renew key"
        onSubmit={async (pin) =>
          settlePinResult(await renewKeyAction({ keyId, pin }), {
            success: () => {
              setOpen(false);
              toast.success(`“${alias}” renewed until ${newExpiry}`);
              router.refresh();
            },
            close: () => {
              setOpen(false);
              router.refresh();
            },
          })
        }
      />
    </>
  );
}
