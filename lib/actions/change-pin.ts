"use server";

import { revalidatePath } from "next/cache";
import { changePin } from "@/lib/auth/change-pin";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";

export async function changePinAction(input: unknown) {
  return withActor({}, async (actor) => {
    const data = await changePin(getDb(), actor, input, await requestContext());
    revalidatePath("/settings");
    return { ok: true as const, data };
  });
}
