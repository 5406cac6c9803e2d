import { z } from "zod";

export const PASSKEY_NAME_MAX = 64;

/** A passkey's name as its owner types it: the same rule in the form and on the server. */
export const passkeyNameField = z
  .string("Enter a name for the passkey")
  .trim()
  .min(1, "Enter a name for the passkey")
  .max(PASSKEY_NAME_MAX, `Use at most ${PASSKEY_NAME_MAX} characters`)
  // No control characters (NUL, line breaks, escapes): the name is shown in lists and audit rows.
  .regex(/^[^\p{Cc}\p{Cf}]*$/u, "Use letters, digits, spaces and punctuation only");

export const passkeyNameFormSchema = z.object({ name: passkeyNameField });
