"use server";

import { revalidatePath } from "next/cache";
import { changePassword } from "@/lib/auth/change-password";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";

export async function changePasswordAction(input: unknown) {
  return withActor({}, async (actor) => {
    const data = await changePassword(getDb(), actor, input, await requestContext());
    revalidatePath("/settings");
    return { ok: true as const, data };
  });
}
