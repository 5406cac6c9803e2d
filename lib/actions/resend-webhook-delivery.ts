"use server";

import { action } from "@/lib/auth/action";
import { resendWebhookDelivery } from "@/lib/webhooks/resend-webhook-delivery";

/** Sends a delivery's event to its endpoint again, with the same webhook-id. */
export const resendWebhookDeliveryAction = action(resendWebhookDelivery, { revalidate: [["/webhooks", "layout"]], result: (resent) => resent });
