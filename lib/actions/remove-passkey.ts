"use server";

import { action } from "@/lib/auth/action";
import { removePasskey } from "@/lib/passkeys/remove-passkey";

/** Removes one of the member's own passkeys (PIN or a passkey). */
export const removePasskeyAction = action(removePasskey, { revalidate: ["/settings"] });
