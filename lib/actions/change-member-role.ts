"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { changeMemberRole } from "@/lib/members/change-member";

/** Gives a member another role (PIN). */
export async function changeMemberRoleAction(input: unknown) {
  return withActor({}, async (actor) => {
    await changeMemberRole(getDb(), actor, input, await requestContext());
    revalidatePath("/members");
    return { ok: true as const };
  });
}
