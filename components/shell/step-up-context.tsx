"use client";

import { createContext, type ReactNode, useContext } from "react";

/** What the step-up dialogs need to know about the signed-in person: whether to offer a passkey first. */
interface StepUpState {
  hasPasskey: boolean;
}

const StepUpContext = createContext<StepUpState>({ hasPasskey: false });

export function StepUpProvider({ hasPasskey, children }: { hasPasskey: boolean; children: ReactNode }) {
  return <StepUpContext.Provider value={{ hasPasskey }}>{children}</StepUpContext.Provider>;
}

export function useStepUp(): StepUpState {
  return useContext(StepUpContext);
}
