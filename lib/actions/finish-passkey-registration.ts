"use server";

import { action } from "@/lib/auth/action";
import { finishPasskeyRegistration } from "@/lib/passkeys/finish-passkey-registration";

/** Stores the new passkey under its name, once the browser's response answers the registration challenge. */
export const finishPasskeyRegistrationAction = action(finishPasskeyRegistration, { revalidate: ["/settings"], result: ({ id, name }) => ({ id, name }) });
