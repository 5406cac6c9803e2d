import { z } from "zod";
import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT } from "@/lib/webhooks/event-types";
import { ENDPOINT_LIST, KEY_ENDPOINTS, pathParamNames, type KeyEndpoint } from "./endpoints";
import * as s from "./schemas";

/**
 * The bank API described in OpenAPI 3.1, built from the endpoint registry (lib/api/endpoints.ts) and
 * the zod schemas the handlers validate with, so the description cannot drift from what is routed
 * and enforced. Shared by /api/openapi.json and /docs.
 */
export type EndpointDoc = KeyEndpoint;

/** The endpoints a key calls, as the docs page and a key's samples list them. */
export const ENDPOINTS: readonly EndpointDoc[] = KEY_ENDPOINTS;

const ERRORS: Record<string, string> = {
  "401": "missing_key or invalid_key",
  "403": "key_frozen, key_pending_approval, organisation_suspended, ip_not_allowed, insufficient_permission, account_not_allowed or limit_exceeded",
  "404": "not_found",
  "422": "invalid_request, with the failing fields",
  "429": "rate_limited, with Retry-After",
};

function schema(type: z.ZodType) {
  const { $schema: _, ...rest } = z.toJSONSchema(type, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

/** The operation of an endpoint a key calls: its permission, parameters, body and answers. */
function keyOperation(e: KeyEndpoint) {
  const parameters: unknown[] = pathParamNames(e.path).map((name) => ({ name, in: "path", required: true, schema: { type: "string", format: "uuid" } }));
  if (e.query) {
    const props = (schema(e.query).properties ?? {}) as Record<string, unknown>;
    for (const [name, prop] of Object.entries(props)) parameters.push({ name, in: "query", required: false, schema: prop });
  }
  if (e.idempotent) parameters.push({ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 255 } });
  return {
    summary: e.summary,
    description: `Needs the key permission \`${e.permission}\`.`,
    "x-permission": e.permission,
    security: [{ apiKey: [] }, { bearer: [] }],
    parameters,
    ...(e.request ? { requestBody: { required: true, content: { "application/json": { schema: schema(e.request) } } } } : {}),
    responses: {
      [String(e.status)]: e.download
        ? {
            description: "The certificate, to download",
            headers: { "Content-Disposition": { description: `attachment; filename="${e.download.filename}"`, schema: { type: "string" } } },
            content: { [e.download.contentType]: { schema: { type: "string", format: "binary", contentMediaType: e.download.contentType } } },
          }
        : { description: "Success", content: { "application/json": { schema: schema(e.response) } } },
      ...Object.fromEntries(
        Object.entries(ERRORS).map(([status, description]) => [
          status,
          { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
        ]),
      ),
    },
  };
}

/** The Standard Webhooks headers every webhook delivery carries. */
const WEBHOOK_HEADERS = [
  { name: "webhook-id", description: "The event's id: the same on every retry and resend of it.", schema: { type: "string", format: "uuid" } },
  { name: "webhook-timestamp", description: "When this attempt was signed, in Unix seconds.", schema: { type: "string", pattern: "^[0-9]+$" } },
  {
    name: "webhook-signature",
    description:
      "`v1,` and a base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` under the endpoint's `whsec_…` secret; for 24 hours after a rotation, two of them separated by a space.",
    schema: { type: "string" },
  },
].map((header) => ({ ...header, in: "header", required: true }));

/** One webhook event as the receiver gets it: the operation Latchkey calls on the customer's endpoint. */
function webhookOperation(type: string, summary: string) {
  return {
    post: {
      summary,
      description:
        "Sent to each enabled endpoint subscribed to this event type. Answer with a 2xx within 10 s; anything else is retried with exponential backoff for 3 days, and 410 disables the endpoint. Order by `timestamp`: a retry can arrive after a later event.",
      parameters: WEBHOOK_HEADERS,
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: {
              type: "object",
              required: ["type", "timestamp", "data"],
              additionalProperties: false,
              properties: {
                type: { type: "string", const: type },
                timestamp: { type: "string", format: "date-time", description: "When the event happened." },
                data: { type: "object", description: "Ids and names of what changed; never a secret, a key's hash or a PIN.", additionalProperties: true },
              },
            },
          },
        },
      },
      responses: {
        "2XX": { description: "Delivered" },
        "410": { description: "Gone: the endpoint is disabled and nothing more is sent to it" },
      },
    },
  };
}

/** OpenAPI 3.1's `webhooks`: one entry per event type, and the test event. */
export function webhookDocuments(): Record<string, ReturnType<typeof webhookOperation>> {
  return Object.fromEntries([
    ...WEBHOOK_EVENT_TYPES.map((type) => [type, webhookOperation(type, WEBHOOK_EVENT_LABELS[type])] as const),
    [WEBHOOK_TEST_EVENT, webhookOperation(WEBHOOK_TEST_EVENT, "A test event, sent by “Send test event” to one endpoint")] as const,
  ]);
}

export function openApiDocument(serverUrl = "/") {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of ENDPOINT_LIST) {
    const operation = endpoint.permission === null ? endpoint.openapi && { summary: endpoint.summary, ...endpoint.openapi } : keyOperation(endpoint);
    if (!operation) continue;
    paths[endpoint.path] ??= {};
    paths[endpoint.path]![endpoint.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Latchkey bank API",
      version: "1.0.0",
      description: "Money is an integer in minor units with its currency; times are ISO 8601 UTC. Send the key in the x-api-key header, never in a URL.",
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
        bearer: { type: "http", scheme: "bearer", description: "From POST /api/oauth2/token" },
        clientCredentials: { type: "http", scheme: "basic", description: "client_id:client_secret of the key's application" },
      },
      schemas: { Error: schema(s.apiErrorBody) },
    },
    paths,
    webhooks: webhookDocuments(),
  };
}

/** GET /api/openapi.json */
export async function serveOpenApi(request: Request): Promise<Response> {
  return new Response(JSON.stringify(openApiDocument(new URL(request.url).origin)), {
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "public, max-age=300" },
  });
}
