"use client";

import { useEffect, useState } from "react";

/**
 * The portal's messages ("API key created"), bottom right. The toast library loads with the first
 * message, not with every page: `toast.success()` / `toast.error()` from here load it, put its
 * live region on the page, and add the message a moment later, so screen readers hear it as the
 * region's change rather than as part of a new region.
 */
type Sonner = typeof import("sonner");
let library: Promise<Sonner> | null = null;
let showToaster: ((sonner: Sonner) => void) | null = null;
let toasterReady: Promise<void> | null = null;
let resolveReady: () => void = () => {};

/** Lets a live region that has just been added settle before its first message. */
const SETTLE_MS = 150;

function deliver(send: (sonner: Sonner) => void) {
  library ??= import("sonner");
  toasterReady ??= new Promise<void>((resolve) => {
    resolveReady = () => setTimeout(resolve, SETTLE_MS);
  });
  void library.then((sonner) => {
    showToaster?.(sonner);
    return toasterReady!.then(() => send(sonner));
  });
}

export const toast = {
  success: (message: string) => deliver((sonner) => sonner.toast.success(message)),
  error: (message: string) => deliver((sonner) => sonner.toast.error(message)),
};

export function Toaster() {
  const [sonner, setSonner] = useState<Sonner | null>(null);
  useEffect(() => {
    showToaster = (loaded) => setSonner(() => loaded);
    return () => {
      showToaster = null;
    };
  }, []);
  useEffect(() => {
    if (sonner) resolveReady();
  }, [sonner]);
  return sonner ? <sonner.Toaster position="bottom-right" richColors closeButton containerAriaLabel="Messages" /> : null;
}
