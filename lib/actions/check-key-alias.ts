"use server";

import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { checkKeyAlias } from "@/lib/keys/check-key-alias";

/** Asks whether an alias is still free in the chosen application; changes nothing. */
export async function checkKeyAliasAction(input: unknown) {
  return withActor({}, async (actor) => {
    const result = await checkKeyAlias(getDb(), actor, input, await requestContext());
    return { ok: true as const, data: result };
  });
}
