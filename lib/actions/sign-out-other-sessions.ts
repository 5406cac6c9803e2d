"use server";

import { revalidatePath } from "next/cache";
import { signOutOtherSessions } from "@/lib/auth/sign-out-other-sessions";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";

export async function signOutOtherSessionsAction(input: unknown) {
  return withActor({}, async (actor) => {
    const data = await signOutOtherSessions(getDb(), actor, input, await requestContext());
    revalidatePath("/settings");
    return { ok: true as const, data };
  });
}
