"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { removeMember } from "@/lib/members/change-member";

/** Removes a member from the organisation (PIN). */
export async function removeMemberAction(input: unknown) {
  return withActor({}, async (actor) => {
    await removeMember(getDb(), actor, input, await requestContext());
    revalidatePath("/members");
    return { ok: true as const };
  });
}
