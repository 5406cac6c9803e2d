"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { deleteRole } from "@/lib/roles/manage-roles";

/** Deletes a custom role nobody holds (Superadmin, PIN). */
export async function deleteRoleAction(input: unknown) {
  return withActor({}, async (actor) => {
    await deleteRole(getDb(), actor, input, await requestContext());
    revalidatePath("/members");
    return { ok: true as const };
  });
}
