"use client";

import { useRouter } from "next/navigation";
import { toast } from "@/components/ui/toaster";
import { renewKeyAction } from "@/lib/actions/renew-key";
import { formatDate } from "@/lib/format";
import { KEY_LIFETIME_DAYS } from "@/lib/key-status";
import { PinDialog, settlePinResult } from "./pin-dialog";

/**
 * The PIN dialog that renews one key — from its row in the list or from its own page: what the
 * new date will be, the PIN, then a toast and a refreshed page.
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
  const newExpiry = formatDate(new Date(Date.now() + KEY_LIFETIME_DAYS * 86_400_000));
  return (
    <PinDialog
      open={open}
      onOpenChange={onOpenChange}
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
            onOpenChange(false);
            toast.success(`“${alias}” renewed until ${newExpiry}`);
            router.refresh();
          },
          close: () => {
            onOpenChange(false);
            router.refresh();
          },
        })
      }
    />
  );
}
