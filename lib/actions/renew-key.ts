"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { renewKey } from "@/lib/keys/renew-key";

export async function renewKeyAction(input: unknown) {
  return withActor({}, async (actor) => {
    const { expiresAt } = await renewKey(getDb(), actor, input, await requestContext());
    revalidatePath("/keys", "layout");
    return { ok: true as const, data: { expiresAt: expiresAt.toISOString() } };
  });
}
