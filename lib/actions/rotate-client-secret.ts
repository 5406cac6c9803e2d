"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { rotateClientSecret } from "@/lib/credentials/manage-applications";

/** A new client secret, shown once; the old one and its tokens stop working at once. */
export async function rotateClientSecretAction(input: unknown) {
  return withActor({}, async (actor) => {
    const result = await rotateClientSecret(getDb(), actor, input, await requestContext());
    revalidatePath("/credentials");
    return { ok: true as const, data: result };
  });
}
