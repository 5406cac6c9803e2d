"use server";

import { action } from "@/lib/auth/action";
import { addWebhookEndpoint } from "@/lib/webhooks/add-webhook-endpoint";

/** Adds a webhook endpoint (PIN); its signing secret is returned once. */
export const addWebhookEndpointAction = action(addWebhookEndpoint, {
  revalidate: [["/webhooks", "layout"]],
  result: (added) => ({ id: added.id, secret: added.secret }),
});
