import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import { toast } from "@/components/ui/toaster";
import type { StepUp } from "@/lib/schemas/step-up";

/*
 * What a step-up dialog's action answers, and what that means for the dialog: apart from the dialog
 * itself, so a page that opens one only later (components/auth/lazy-step-up-dialog.ts) does not carry its code.
 */

export type { StepUp };

export type PinOutcome = { ok: true } | { ok: false; error: string; code?: string; challenge?: PublicKeyCredentialRequestOptionsJSON };

/** What a step-up-confirmed server action answers. */
export type ActionOutcome = {
  ok: boolean;
  error?: string;
  code?: string;
  fieldErrors?: Record<string, string>;
  challenge?: PublicKeyCredentialRequestOptionsJSON;
};

const STEP_UP_CODES = new Set(["pin_invalid", "pin_locked", "pin_busy", "passkey_invalid", "passkey_required", "no_passkey", "passkey_challenge"]);

/** Refusals about the confirmation itself keep the dialog open, with the message under the field. */
export function isStepUpRefusal(code: string | undefined): boolean {
  return code !== undefined && STEP_UP_CODES.has(code);
}

/** A refusal the dialog answers itself (a wrong PIN, a passkey challenge to sign). */
export function stepUpRefusal(result: ActionOutcome): PinOutcome {
  return { ok: false, error: result.error ?? "", code: result.code, challenge: result.challenge };
}

/**
 * What an action's result means for its step-up dialog: success runs `success`; a refusal about the
 * confirmation keeps the dialog open with its message; any other refusal closes it and says why in a toast.
 */
export function settlePinResult(result: ActionOutcome, on: { success: () => void; close: () => void }): PinOutcome {
  if (result.ok) {
    on.success();
    return { ok: true };
  }
  if (isStepUpRefusal(result.code)) return stepUpRefusal(result);
  on.close();
  toast.error(result.error ?? "That did not work. Try again.");
  return { ok: true };
}
