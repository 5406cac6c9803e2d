"use server";

import { redirect } from "next/navigation";
import { withActor } from "@/lib/auth/current";
import { setInitialPin } from "@/lib/auth/set-pin";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import type { ActionResult } from "./result";

export async function setPinAction(input: unknown): Promise<ActionResult> {
  return withActor({ allowWithoutPin: true }, async (actor) => {
    const result = await setInitialPin(getDb(), actor, input, await requestContext());
    if (!result.ok) return { ...result, code: "invalid_request" as const };
    redirect(actor.org ? "/keys" : actor.user.isOperator ? "/ops" : "/");
  });
}
