"use server";

import { action } from "@/lib/auth/action";
import { startPasskeyStepUp } from "@/lib/passkeys/start-passkey-step-up";

/** A passkey challenge for one action on one target, good once for 2 minutes: the browser's request options. */
export const startPasskeyStepUpAction = action(startPasskeyStepUp, { result: ({ options }) => ({ options }) });
