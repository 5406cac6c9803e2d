"use server";

import { action } from "@/lib/auth/action";
import { approveKey } from "@/lib/keys/decide-key-approval";

/** Approves a key waiting for a second member (keys:approve, never its maker, PIN). */
export const approveKeyAction = action(approveKey, { revalidate: [["/keys", "layout"]] });
