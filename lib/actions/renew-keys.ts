"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { renewKeys } from "@/lib/keys/renew-keys";

/** "Renew all": the expiring and frozen keys the person saw, one PIN, one transaction. */
export async function renewKeysAction(input: unknown) {
  return withActor({}, async (actor) => {
    const { renewed, expiresAt } = await renewKeys(getDb(), actor, input, await requestContext());
    revalidatePath("/", "layout");
    return { ok: true as const, data: { renewed, expiresAt: expiresAt.toISOString() } };
  });
}
