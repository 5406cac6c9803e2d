"use client";

import { KeyRound } from "lucide-react";
import { StepUpForm } from "@/components/admin/step-up-form";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { changePinAction } from "@/lib/actions/change-pin";
import { newPinSchema } from "@/lib/schemas/account";

const pinInputProps = {
  type: "password",
  inputMode: "numeric",
  autoComplete: "new-password",
  maxLength: 6,
  pattern: "[0-9]*",
  className: "h-11 font-mono text-lg tracking-[0.5em]",
} as const;

function errorProps(id: string, error: string | undefined, hint?: boolean) {
  return { id, "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined };
}

/** "Change PIN": the new PIN twice, then the current one in the PIN dialog. Other sessions end. */
export function ChangePinButton() {
  return (
    <StepUpForm
      trigger={
        <>
          <KeyRound aria-hidden /> Change PIN
        </>
      }
      title="Change your PIN"
      description="Choose a new 6-digit PIN. Your other sessions end when it changes; this one stays signed in."
      initial={{ newPin: "", confirmNewPin: "" }}
      schema={newPinSchema}
      fields={(v, set, errors) => (
        <>
          <Field id="new-pin" label="New PIN" hint="6 digits. Not one repeated digit, not a run like 123456." error={errors.newPin}>
            <Input
              {...errorProps("new-pin", errors.newPin, true)}
              {...pinInputProps}
              value={v.newPin}
              onChange={(e) => set({ ...v, newPin: e.target.value.replace(/\D/g, "") })}
              autoFocus
            />
          </Field>
          <Field id="confirm-new-pin" label="Repeat the new PIN" error={errors.confirmNewPin}>
            <Input
              {...errorProps("confirm-new-pin", errors.confirmNewPin)}
              {...pinInputProps}
              value={v.confirmNewPin}
              onChange={(e) => set({ ...v, confirmNewPin: e.target.value.replace(/\D/g, "") })}
            />
          </Field>
        </>
      )}
      pinTitle="Confirm with your current PIN"
      pinDescription={() => "Enter the PIN you use now. Your other sessions end once the new PIN is set."}
      confirmLabel="Change PIN"
      run={(v, stepUp) => changePinAction({ ...v, ...stepUp })}
      success={(_, result) => {
        const ended = (result as { data?: { sessionsEnded: number } }).data?.sessionsEnded ?? 0;
        return ended ? `PIN changed; ${ended} other ${ended === 1 ? "session" : "sessions"} ended` : "PIN changed";
      }}
    />
  );
}
