"use server";

import { action } from "@/lib/auth/action";
import { decidePayment } from "@/lib/payments/decide-payment";

/** Approves or rejects a payment waiting for approval (PIN). */
export const decidePaymentAction = action(decidePayment, { revalidate: ["/payments"], result: ({ status }) => ({ status }) });
