"use server";

import { action } from "@/lib/auth/action";
import { sendTestWebhook } from "@/lib/webhooks/send-test-webhook";

/** Sends a `webhook.test` event to one endpoint. */
export const sendTestWebhookAction = action(sendTestWebhook, { revalidate: [["/webhooks", "layout"]] });
