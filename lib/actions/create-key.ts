"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { createKey } from "@/lib/keys/create-key";

/** Creates a key; the response is the only place its secret ever appears. */
export async function createKeyAction(input: unknown) {
  return withActor({}, async (actor) => {
    const created = await createKey(getDb(), actor, input, await requestContext());
    revalidatePath("/keys");
    return { ok: true as const, data: { id: created.id, key: created.key, prefix: created.prefix, alias: created.alias } };
  });
}
