"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { withdrawInvitation } from "@/lib/members/withdraw-invitation";

/** Withdraws a pending invitation; its link stops working. */
export async function withdrawInvitationAction(input: unknown) {
  return withActor({}, async (actor) => {
    await withdrawInvitation(getDb(), actor, input, await requestContext());
    revalidatePath("/members");
    return { ok: true as const };
  });
}
