"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { regenerateKey } from "@/lib/keys/regenerate-key";

/** A new secret for the key; the old one stops working at once. The response carries the secret once. */
export async function regenerateKeyAction(input: unknown) {
  return withActor({}, async (actor) => {
    const { key, prefix } = await regenerateKey(getDb(), actor, input, await requestContext());
    revalidatePath("/keys", "layout");
    return { ok: true as const, data: { key, prefix } };
  });
}
