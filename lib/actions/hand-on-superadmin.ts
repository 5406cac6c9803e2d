"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { handOnSuperadmin } from "@/lib/members/change-member";

/** The Superadmin hands the role on and becomes an Admin (PIN). */
export async function handOnSuperadminAction(input: unknown) {
  return withActor({}, async (actor) => {
    await handOnSuperadmin(getDb(), actor, input, await requestContext());
    revalidatePath("/members");
    return { ok: true as const };
  });
}
