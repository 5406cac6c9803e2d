"use server";

import { action } from "@/lib/auth/action";
import { beginPasskeyRegistration } from "@/lib/passkeys/begin-passkey-registration";

/** Starts adding a passkey (PIN or an existing passkey): the browser's creation options. */
export const beginPasskeyRegistrationAction = action(beginPasskeyRegistration, { result: ({ options }) => ({ options }) });
