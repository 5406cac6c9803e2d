"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { markNotificationsRead } from "@/lib/notifications/notifications";

/** Marks the member's notifications read: the ones given, or all. */
export async function markNotificationsReadAction(input: unknown) {
  return withActor({ organisation: true }, async (actor) => {
    const changed = await markNotificationsRead(getDb(), actor, input);
    revalidatePath("/", "layout");
    return { ok: true as const, data: { changed } };
  });
}
