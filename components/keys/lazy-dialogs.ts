"use client";

import { lazyDialog } from "@/components/ui/lazy-dialog";

/** The key pages' dialogs, their code loaded the first time each is wanted: see lazyDialog. */
export const LazyRenewKeyDialog = lazyDialog(
  () => import("./renew-key-dialog").then((m) => m.RenewKeyDialog),
  (props) => props.open,
);

export const LazySecretModal = lazyDialog(
  () => import("./secret-modal").then((m) => m.SecretModal),
  (props) => props.secret !== null,
);
