"use client";

import { useEffect, useSyncExternalStore } from "react";

/**
 * What the step-up dialogs need to know about the signed-in person: whether to offer a passkey
 * first. The portal's layout renders <StepUpState> beside the page (never around it, so the page's
 * tree is the same with or without it) and every dialog reads the value with useStepUp().
 */
let hasPasskey = false;
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function StepUpState({ hasPasskey: value }: { hasPasskey: boolean }) {
  useEffect(() => {
    if (value === hasPasskey) return;
    hasPasskey = value;
    for (const listener of listeners) listener();
  }, [value]);
  return null;
}

export function useStepUp(): { hasPasskey: boolean } {
  return {
    hasPasskey: useSyncExternalStore(
      subscribe,
      () => hasPasskey,
      () => false,
    ),
  };
}
