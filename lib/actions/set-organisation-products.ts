"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { setOrganisationProducts } from "@/lib/ops/manage-organisation";

/** A bank operator enables or disables an organisation's API products (PIN). */
export async function setOrganisationProductsAction(input: unknown) {
  return withActor({}, async (actor) => {
    await setOrganisationProducts(getDb(), actor, input, await requestContext());
    revalidatePath("/ops");
    return { ok: true as const };
  });
}
