"use client";

import { type ComponentType, createElement, lazy, Suspense, useState } from "react";
import { preloadDialog } from "./dialog";

/**
 * A dialog whose code loads only when it is wanted, not with the page: `preload()` starts the load
 * (from its opener, on pointerenter or focus, so a click does not wait), and opening it does too.
 * Until it first opens it renders nothing, as a closed dialog does; from then on it stays mounted, so a
 * flow's state (the secret shown next, say) and the focus return on closing are as before.
 */
export function lazyDialog<P extends object>(load: () => Promise<ComponentType<P>>, isOpen: (props: P) => boolean) {
  let loading: Promise<{ default: ComponentType<P> }> | null = null;
  const preload = () => {
    // Radix's dialog code too (./dialog-parts), which every dialog of the portal loads on first opening.
    void preloadDialog();
    loading ??= load().then((component) => ({ default: component }));
    return loading;
  };
  const Loaded = lazy(preload);

  // biome-ignore lint/correctness/noComponentHookFactories: made once for each dialog, at module level (see lazy-dialogs.ts), never during a render
  function LazyDialog(props: P) {
    const [opened, setOpened] = useState(false);
    const open = isOpen(props);
    if (open && !opened) setOpened(true);
    if (!open && !opened) return null;
    return <Suspense fallback={null}>{createElement(Loaded, props)}</Suspense>;
  }
  return Object.assign(LazyDialog, { preload });
}

/** An opener's props that start loading the dialogs it opens when it is pointed at or focused: `<Button {...preloadOn(LazyX)}>`. */
export function preloadOn(...dialogs: { preload: () => Promise<unknown> }[]) {
  const start = () => {
    for (const dialog of dialogs) void dialog.preload();
  };
  return { onPointerEnter: start, onFocus: start };
}
