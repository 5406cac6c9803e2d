"use client";

import { type ComponentType, createElement, useEffect, useState } from "react";
import { DIALOG_LOAD_FAILED, preloadDialog } from "./dialog";
import { toast } from "./toaster";

/**
 * A dialog whose code loads only when it is wanted, not with the page: `preload()` starts the load
 * (from its opener, on pointerenter or focus, so a click does not wait), and opening it does too.
 * Until it first opens it renders nothing, as a closed dialog does; from then on it stays mounted, so
 * a flow's state and the focus return on closing are as before. Once loaded it renders in the same
 * moment it opens. A load that fails (offline, or a page older than the server's new release) closes
 * the dialog with a message, and the next opening tries again. Never for what cannot be shown again
 * (a one-time secret): an action must not run before the code that shows its outcome is on the page.
 */
export function lazyDialog<P extends object>(load: () => Promise<ComponentType<P>>, isOpen: (props: P) => boolean, close: (props: P) => void) {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  const preload = () => {
    loading ??= Promise.all([load(), preloadDialog()]).then(
      ([component]) => {
        loaded = component;
        return component;
      },
      (error: unknown) => {
        loading = null;
        throw error;
      },
    );
    return loading;
  };

  // biome-ignore lint/correctness/noComponentHookFactories: made once for each dialog, at module level (see lazy-dialogs.ts), never during a render
  function LazyDialog(props: P) {
    const open = isOpen(props);
    const [opened, setOpened] = useState(false);
    const [, setReady] = useState(false);
    if (open && !opened) setOpened(true);
    // biome-ignore lint/correctness/useExhaustiveDependencies: only an opening starts a load; `close` reads the props of that moment
    useEffect(() => {
      if (!open || loaded) return;
      let current = true;
      preload().then(
        () => current && setReady(true),
        () => {
          if (!current) return;
          close(props);
          toast.error(DIALOG_LOAD_FAILED);
        },
      );
      return () => {
        current = false;
      };
    }, [open]);
    if (!opened || !loaded) return null;
    return createElement(loaded, props);
  }
  return Object.assign(LazyDialog, { preload });
}

/** An opener's props that start loading the dialogs it opens when it is pointed at or focused: `<Button {...preloadOn(LazyX)}>`. */
export function preloadOn(...dialogs: { preload: () => Promise<unknown> }[]) {
  const start = () => {
    // A failed load is reported when the dialog is opened, which tries again.
    for (const dialog of dialogs) dialog.preload().catch(() => {});
  };
  return { onPointerEnter: start, onFocus: start };
}
