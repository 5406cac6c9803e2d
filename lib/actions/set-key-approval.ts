"use server";

import { action } from "@/lib/auth/action";
import { setKeyApproval } from "@/lib/organisations/set-key-approval";

/** Turns maker-checker for keys that can move money on or off (Superadmin, PIN). */
export const setKeyApprovalAction = action(setKeyApproval, { revalidate: ["/settings"] });
