"use client";

import { lazyDialog } from "@/components/ui/lazy-dialog";

/**
 * The renew dialog, its code loaded the first time it is wanted: see lazyDialog. The one-time secret
 * modal is not lazy: a renewal or a new key's secret must find its code on the page.
 */
export const LazyRenewKeyDialog = lazyDialog(
  () => import("./renew-key-dialog").then((m) => m.RenewKeyDialog),
  (props) => props.open,
  (props) => props.onOpenChange(false),
);
