"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { addApplication } from "@/lib/credentials/manage-applications";

/** Adds an application to a business organisation; its client secret is shown once. */
export async function addApplicationAction(input: unknown) {
  return withActor({}, async (actor) => {
    const result = await addApplication(getDb(), actor, input, await requestContext());
    revalidatePath("/credentials");
    return { ok: true as const, data: result };
  });
}
