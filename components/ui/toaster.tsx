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
  library ??= import("sonner").catch((error: unknown) => {
    library = null;
    throw error;
  });
  toasterReady ??= new Promise<void>((resolve) => {
    resolveReady = () => setTimeout(resolve, SETTLE_MS);
  });
  library
    .then((sonner) => {
      showToaster?.(sonner);
      return toasterReady!.then(() => send(sonner));
    })
    // Offline: the message is lost with its library; the next one tries again.
    .catch(() => {});
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
  useEffect(() => {
    // The library remembers where focus came from when it enters a message, sends it back there on
    // Tab out (a loop for a keyboard user tabbing past) and again when the message list goes — seconds
    // later, wherever the person has moved on to. Messages are announced and close by themselves, so
    // focus entering one is kept from the library: Tab goes on past it, and nothing takes focus later.
    const unheard = (event: FocusEvent) => {
      if (event.target instanceof Element && event.target.closest("[data-sonner-toaster]")) event.stopPropagation();
    };
    window.addEventListener("focusin", unheard, true);
    return () => window.removeEventListener("focusin", unheard, true);
  }, []);
  return sonner ? <sonner.Toaster position="bottom-right" richColors closeButton containerAriaLabel="Messages" /> : null;
}
