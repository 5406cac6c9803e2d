"use client";

import { type ComponentProps, createContext, type ReactNode, useContext, useEffect, useSyncExternalStore } from "react";
import type * as Parts from "./dialog-parts";
import { toast } from "./toaster";

export const DIALOG_LOAD_FAILED = "This step could not load. Check your connection, reload the page and try again.";

/**
 * The portal's modal dialog. Every dialog here opens from state (`open`), so the dialog's code —
 * Radix's focus trap, portal and scroll lock, in ./dialog-parts.tsx — loads the first time one opens
 * (or when `preloadDialog()` is called, where a dialog is about to be wanted), not with the page.
 * Once loaded, every dialog on the page renders at once, as before: a flow's next dialog opens in the
 * same moment its previous one closes.
 */
type Loaded = typeof Parts;
let loaded: Loaded | null = null;
let loading: Promise<Loaded> | null = null;
const listeners = new Set<() => void>();

export function preloadDialog(): Promise<Loaded> {
  loading ??= import("./dialog-parts").then(
    (parts) => {
      loaded = parts;
      for (const listener of listeners) listener();
      return parts;
    },
    (error: unknown) => {
      // Offline, or a page older than the server's release: the next dialog to open tries again.
      loading = null;
      throw error;
    },
  );
  return loading;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

const PartsContext = createContext<Loaded | null>(null);
const useParts = () => useContext(PartsContext)!;

export function Dialog({ children, ...props }: ComponentProps<typeof Parts.Dialog>) {
  const parts = useSyncExternalStore(
    subscribe,
    () => loaded,
    () => null,
  );
  const wanted = props.open ?? props.defaultOpen ?? false;
  useEffect(() => {
    if (wanted && !parts) preloadDialog().catch(() => toast.error(DIALOG_LOAD_FAILED));
  }, [wanted, parts]);
  // Closed and never opened: a closed Radix dialog renders nothing either.
  if (!parts) return null;
  return (
    <PartsContext.Provider value={parts}>
      <parts.Dialog {...props}>{children}</parts.Dialog>
    </PartsContext.Provider>
  );
}

export function DialogTrigger(props: ComponentProps<typeof Parts.DialogTrigger>) {
  const parts = useParts();
  return <parts.DialogTrigger {...props} />;
}

export function DialogClose(props: ComponentProps<typeof Parts.DialogClose>) {
  const parts = useParts();
  return <parts.DialogClose {...props} />;
}

export function DialogContent(props: ComponentProps<typeof Parts.DialogContent>) {
  const parts = useParts();
  return <parts.DialogContent {...props} />;
}

export function DialogTitle(props: ComponentProps<typeof Parts.DialogTitle>) {
  const parts = useParts();
  return <parts.DialogTitle {...props} />;
}

export function DialogDescription(props: ComponentProps<typeof Parts.DialogDescription>) {
  const parts = useParts();
  return <parts.DialogDescription {...props} />;
}

export function DialogFooter({ children }: { children: ReactNode }) {
  return <div className="mt-6 flex justify-end gap-2">{children}</div>;
}
