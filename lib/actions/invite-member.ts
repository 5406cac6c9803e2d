"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext, requestOrigin } from "@/lib/http/request-context";
import { inviteMember } from "@/lib/members/invite-member";

/** Invites someone with a role; the one-time link comes back once, for the inviter to pass on. */
export async function inviteMemberAction(input: unknown) {
  return withActor({}, async (actor) => {
    const result = await inviteMember(getDb(), actor, input, { ...(await requestContext()), origin: await requestOrigin() });
    revalidatePath("/members");
    return { ok: true as const, data: result };
  });
}
