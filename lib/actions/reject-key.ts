"use server";

import { action } from "@/lib/auth/action";
import { rejectKey } from "@/lib/keys/decide-key-approval";

/** Rejects — deletes — a key waiting for a second member (keys:approve, never its maker, PIN). */
export const rejectKeyAction = action(rejectKey, { revalidate: [["/keys", "layout"]] });
