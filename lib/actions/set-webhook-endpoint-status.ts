"use server";

import { action } from "@/lib/auth/action";
import { setWebhookEndpointStatus } from "@/lib/webhooks/set-webhook-endpoint-status";

/** Disables or enables a webhook endpoint (PIN). */
export const setWebhookEndpointStatusAction = action(setWebhookEndpointStatus, { revalidate: [["/webhooks", "layout"]] });
