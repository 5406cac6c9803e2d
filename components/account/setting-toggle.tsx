"use client";

import { ShieldCheck, ShieldOff } from "lucide-react";
import { StepUpForm } from "@/components/admin/step-up-form";
import type { ActionOutcome, StepUp } from "@/components/auth/step-up-outcome";

interface Turn {
  /** The confirmation dialog's title. */
  title: string;
  /** What changes, in the confirmation dialog. */
  description: string;
  /** The toast once it has. */
  success: string;
}

/** "Turn on" / "Turn off" for an organisation setting, confirmed with a passkey or the PIN. */
export function SettingToggle({
  on,
  title,
  turnOn,
  turnOff,
  run,
}: {
  on: boolean;
  title: string;
  turnOn: Turn;
  turnOff: Turn;
  run: (next: boolean, stepUp: StepUp) => Promise<ActionOutcome>;
}) {
  const turn = on ? turnOff : turnOn;
  return (
    <StepUpForm
      trigger={
        on ? (
          <>
            <ShieldOff aria-hidden /> Turn off
          </>
        ) : (
          <>
            <ShieldCheck aria-hidden /> Turn on
          </>
        )
      }
      triggerVariant={on ? "secondary" : "primary"}
      title={title}
      initial={{}}
      pinTitle={turn.title}
      pinDescription={() => turn.description}
      confirmLabel={on ? "Turn off" : "Turn on"}
      run={(_, stepUp) => run(!on, stepUp)}
      success={() => turn.success}
    />
  );
}
