"use client";

import { lazyDialog } from "@/components/ui/lazy-dialog";

/** The step-up dialog (./step-up-dialog.tsx), its code loaded the first time it is wanted: see lazyDialog. */
export const LazyStepUpDialog = lazyDialog(
  () => import("./step-up-dialog").then((m) => m.StepUpDialog),
  (props) => props.open,
  (props) => props.onOpenChange(false),
);
