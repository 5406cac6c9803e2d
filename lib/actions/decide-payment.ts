"use server";

import { revalidatePath } from "next/cache";
import { withActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import { decidePayment } from "@/lib/payments/decide-payment";

/** Approves or rejects a payment waiting for approval; the PIN is checked inside. */
export async function decidePaymentAction(input: unknown) {
  return withActor({}, async (actor) => {
    const { status } = await decidePayment(getDb(), actor, input, await requestContext());
    revalidatePath("/payments");
    return { ok: true as const, data: { status } };
  });
}
