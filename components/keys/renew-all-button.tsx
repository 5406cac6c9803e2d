"use client";

import { RotateCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "@/components/ui/toaster";
import { Button } from "@/components/ui/button";
import { renewKeysAction } from "@/lib/actions/renew-keys";
import { formatDate } from "@/lib/format";
import { KEY_LIFETIME_DAYS } from "@/lib/key-status";
import { useHydrated } from "@/lib/use-hydrated";
import { LazyStepUpDialog } from "@/components/auth/lazy-step-up-dialog";
import { settlePinResult } from "@/components/auth/step-up-outcome";
import { preloadOn } from "@/components/ui/lazy-dialog";

/**
 * The banner's "Renew all N": one PIN renews exactly the expiring and frozen keys the page showed
 * (their ids go to the server), in one transaction. If any changed meanwhile, nothing is renewed and
 * the list is redrawn.
 */
export function RenewAllButton({ keyIds, aliases, frozen }: { keyIds: string[]; aliases: string[]; frozen: number }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [open, setOpen] = useState(false);
  const count = keyIds.length;
  const newExpiry = formatDate(new Date(Date.now() + KEY_LIFETIME_DAYS * 86_400_000));
  const label = count === 1 ? "Renew it" : `Renew all ${count}`;
  return (
    <>
      <Button size="sm" disabled={!hydrated} {...preloadOn(LazyStepUpDialog)} onClick={() => setOpen(true)}>
        <RotateCw aria-hidden /> {label}
      </Button>
      <LazyStepUpDialog
        open={open}
        onOpenChange={setOpen}
        title={count === 1 ? "Renew 1 key" : `Renew ${count} keys`}
        description={
          <>
            {count === 1 ? "The key" : `Each of the ${count} keys`} will work until <strong className="text-zinc-900">{newExpiry}</strong> ({KEY_LIFETIME_DAYS}{" "}
            days from today){frozen > 0 ? `; the API accepts the frozen ${frozen === 1 ? "one" : "ones"} again at once` : ""}. Each renewal is recorded in the
            audit log.
            <ul aria-label="Keys in this renewal" className="mt-3 max-h-40 list-disc space-y-0.5 overflow-y-auto pl-5 text-zinc-800">
              {aliases.map((alias, i) => (
                <li key={keyIds[i]}>{alias}</li>
              ))}
            </ul>
          </>
        }
        confirmLabel={count === 1 ? "Renew key" : `Renew ${count} keys`}
        onSubmit={async (stepUp) => {
          const result = await renewKeysAction({ keyIds, ...stepUp });
          return settlePinResult(result, {
            success: () => {
              setOpen(false);
              toast.success(`${count} ${count === 1 ? "key" : "keys"} renewed until ${newExpiry}`);
              router.refresh();
            },
            close: () => {
              setOpen(false);
              router.refresh();
            },
          });
        }}
      />
    </>
  );
}
