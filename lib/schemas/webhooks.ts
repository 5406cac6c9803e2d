import { z } from "zod";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/event-types";
import { pinField } from "./keys";
import { CONTROL_CHARACTERS_MESSAGE, NO_CONTROL_CHARACTERS } from "./text";

export const WEBHOOK_URL_MAX = 2048;
export const WEBHOOK_DESCRIPTION_MAX = 200;
/** How many endpoints one organisation may have. */
export const WEBHOOK_ENDPOINTS_MAX = 10;
/** Rows of an endpoint's delivery log per page. */
export const WEBHOOK_DELIVERIES_PAGE_SIZE = 20;

const endpointId = z.uuid({ error: "Unknown webhook endpoint" });

/**
 * An endpoint's URL as typed: a full http(s) URL without control characters or credentials. Whether
 * its scheme and address are allowed (https, no private addresses) is the server's check
 * (lib/webhooks/destination.ts), which also resolves the name.
 */
export const webhookUrl = z
  .string({ error: "Enter the endpoint's URL" })
  .trim()
  .min(1, "Enter the endpoint's URL")
  .max(WEBHOOK_URL_MAX, `Keep the URL to ${WEBHOOK_URL_MAX.toLocaleString("en-GB")} characters`)
  .regex(NO_CONTROL_CHARACTERS, CONTROL_CHARACTERS_MESSAGE)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:";
    } catch {
      return false;
    }
  }, "Enter a full https:// URL, such as https://example.com/webhooks");

export const webhookEventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: "Choose event types from the list" }), { error: "Choose at least one event type" })
  .min(1, "Choose at least one event type")
  // Repeats are dropped below; a list longer than this is not a person choosing.
  .max(100, "Choose event types from the list")
  .transform((types) => WEBHOOK_EVENT_TYPES.filter((t) => types.includes(t)));

export const webhookDescription = z
  .string({ error: "The description must be text" })
  .trim()
  .max(WEBHOOK_DESCRIPTION_MAX, `Keep the description to ${WEBHOOK_DESCRIPTION_MAX} characters`)
  .regex(NO_CONTROL_CHARACTERS, CONTROL_CHARACTERS_MESSAGE);

/** The "Add endpoint" form, checked in the browser before the PIN is asked for. */
export const webhookEndpointForm = z.strictObject({ url: webhookUrl, eventTypes: webhookEventTypes, description: webhookDescription });

export const addWebhookEndpointSchema = z.strictObject({
  url: webhookUrl,
  eventTypes: webhookEventTypes,
  description: webhookDescription.optional().default(""),
  pin: pinField,
});
export const rotateWebhookSecretSchema = z.strictObject({ endpointId, pin: pinField });
export const setWebhookEndpointStatusSchema = z.strictObject({
  endpointId,
  status: z.enum(["enabled", "disabled"], { error: "Choose enable or disable" }),
  pin: pinField,
});
export const deleteWebhookEndpointSchema = z.strictObject({ endpointId, pin: pinField });
export const sendTestWebhookSchema = z.strictObject({ endpointId });
export const resendWebhookDeliverySchema = z.strictObject({ deliveryId: z.uuid({ error: "Unknown delivery" }) });

export const getWebhookEndpointSchema = z.strictObject({
  endpointId,
  page: z.coerce.number({ error: "Unknown page" }).int("Unknown page").min(1, "Unknown page").max(100_000, "Unknown page").default(1),
});
export const getWebhookDeliverySchema = z.strictObject({ deliveryId: z.uuid({ error: "Unknown delivery" }) });
