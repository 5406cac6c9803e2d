"use server";

import { action } from "@/lib/auth/action";
import { deleteWebhookEndpoint } from "@/lib/webhooks/delete-webhook-endpoint";

/** Deletes a webhook endpoint and its delivery log (PIN). */
export const deleteWebhookEndpointAction = action(deleteWebhookEndpoint, { revalidate: [["/webhooks", "layout"]] });
