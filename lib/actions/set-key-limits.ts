"use server";

import { action } from "@/lib/auth/action";
import { setKeyLimits } from "@/lib/keys/set-key-limits";

/** Changes a money-moving key's payment limits (PIN). */
export const setKeyLimitsAction = action(setKeyLimits, { revalidate: [["/keys", "layout"]] });
