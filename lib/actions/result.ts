import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import type { ZodError } from "zod";
import { type ErrorCode, fieldErrorsFrom } from "@/lib/errors";

/** What every server action returns to the browser. */
export type ActionResult<T = undefined> =
  | ({ ok: true } & (T extends undefined ? object : { data: T }))
  | {
      ok: false;
      error: string;
      code: ErrorCode;
      fieldErrors?: Record<string, string>;
      /** With `passkey_challenge`: what the browser's authenticator signs for the action asked. */
      challenge?: PublicKeyCredentialRequestOptionsJSON;
    };

export function fieldErrorsOf(error: ZodError): Record<string, string> {
  return fieldErrorsFrom(error.issues);
}

/**
 * Puts a refused action's field errors on the form's own fields (react-hook-form's setError); an
 * error for a field the form does not have is left to its alert.
 */
export function showFieldErrors<F extends string>(
  fieldErrors: Record<string, string> | undefined,
  fields: readonly F[],
  setError: (field: F, error: { message: string }) => void,
): void {
  for (const [field, message] of Object.entries(fieldErrors ?? {})) {
    if ((fields as readonly string[]).includes(field)) setError(field as F, { message });
  }
}
