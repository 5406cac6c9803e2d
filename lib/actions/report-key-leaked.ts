"use server";

import { action } from "@/lib/auth/action";
import { reportKeyLeaked } from "@/lib/keys/report-key-leaked";

/** Freezes a key as leaked by hand (PIN): the API refuses it until it is regenerated, or it is deleted. */
export const reportKeyLeakedAction = action(reportKeyLeaked, { revalidate: [["/keys", "layout"]] });
