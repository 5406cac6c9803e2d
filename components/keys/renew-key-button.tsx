"use client";

import { RotateCw } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/lib/use-hydrated";
import { preloadOn } from "@/components/ui/lazy-dialog";
import { LazyRenewKeyDialog } from "./lazy-dialogs";

/** "Renew" beside an expiring or frozen key in the list: the PIN, a toast, and the row updates in place. */
export function RenewKeyButton({ keyId, alias, frozen }: { keyId: string; alias: string; frozen: boolean }) {
  const hydrated = useHydrated();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        size="sm"
        variant="secondary"
        disabled={!hydrated}
        {...preloadOn(LazyRenewKeyDialog)}
        onClick={() => setOpen(true)}
        aria-label={`Renew “${alias}”`}
      >
        <RotateCw aria-hidden /> Renew
      </Button>
      <LazyRenewKeyDialog open={open} onOpenChange={setOpen} keyId={keyId} alias={alias} frozen={frozen} />
    </>
  );
}
