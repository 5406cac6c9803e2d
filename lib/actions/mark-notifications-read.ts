"use server";

import { action } from "@/lib/auth/action";
import { markNotificationsRead } from "@/lib/notifications/notifications";

/** Marks the member's notifications read: the ones given, or all. */
export const markNotificationsReadAction = action(markNotificationsRead, { revalidate: [["/", "layout"]], result: (changed) => ({ changed }) });
