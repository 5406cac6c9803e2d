"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { updateRole } from "@/lib/roles/manage-roles";

/** Edits a custom role (Superadmin, PIN); its members feel it on their next request. */
export async function updateRoleAction(input: unknown) {
  return withActor({}, async (actor) => {
    await updateRole(getDb(), actor, input, await requestContext());
    revalidatePath("/members");
    return { ok: true as const };
  });
}
