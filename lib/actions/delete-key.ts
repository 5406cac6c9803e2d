"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { deleteKey } from "@/lib/keys/delete-key";

export async function deleteKeyAction(input: unknown) {
  return withActor({}, async (actor) => {
    await deleteKey(getDb(), actor, input, await requestContext());
    revalidatePath("/keys", "layout");
    return { ok: true as const };
  });
}
