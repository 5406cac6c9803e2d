"use server";

import { action } from "@/lib/auth/action";
import { renewKey } from "@/lib/keys/renew-key";

/** Renews a key for 90 days from now (PIN). */
export const renewKeyAction = action(renewKey, { revalidate: [["/keys", "layout"]], result: ({ expiresAt }) => ({ expiresAt: expiresAt.toISOString() }) });
