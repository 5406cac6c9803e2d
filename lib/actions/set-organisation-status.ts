"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { setOrganisationStatus } from "@/lib/ops/manage-organisation";

/** A bank operator approves or suspends an organisation (PIN). */
export async function setOrganisationStatusAction(input: unknown) {
  return withActor({}, async (actor) => {
    await setOrganisationStatus(getDb(), actor, input, await requestContext());
    revalidatePath("/ops");
    return { ok: true as const };
  });
}
