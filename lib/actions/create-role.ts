"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { createRole } from "@/lib/roles/manage-roles";

/** Creates a custom role (Superadmin, PIN). */
export async function createRoleAction(input: unknown) {
  return withActor({}, async (actor) => {
    const result = await createRole(getDb(), actor, input, await requestContext());
    revalidatePath("/members");
    return { ok: true as const, data: result };
  });
}
