"use server";

import { action } from "@/lib/auth/action";
import { setKeyAllowlist } from "@/lib/keys/set-key-allowlist";

/** Changes the addresses and ranges a key may be used from (PIN). */
export const setKeyAllowlistAction = action(setKeyAllowlist, { revalidate: [["/keys", "layout"]] });
