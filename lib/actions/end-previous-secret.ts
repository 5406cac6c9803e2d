"use server";

import { action } from "@/lib/auth/action";
import { endPreviousSecret } from "@/lib/keys/end-previous-secret";

/** Ends a regeneration's overlap now: only the new secret works from the next call (PIN). */
export const endPreviousSecretAction = action(endPreviousSecret, { revalidate: [["/keys", "layout"]] });
