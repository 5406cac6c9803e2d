import { z } from "zod";
import * as s from "./schemas";

/**
 * The bank API described in OpenAPI 3.1, built from the zod schemas the handlers validate with,
 * so the description cannot drift from what is enforced. Shared by /api/openapi.json and /docs.
 */
export interface EndpointDoc {
  method: "get" | "post" | "put";
  path: string;
  permission: string;
  summary: string;
  request?: z.ZodType;
  response: z.ZodType;
  status: number;
  query?: z.ZodType;
  idempotent?: boolean;
  sampleBody?: unknown;
  /** A response as the endpoint answers it, for the samples. */
  example: unknown;
  /** Set when the endpoint answers a file to download instead of JSON. */
  download?: { contentType: "application/pdf"; filename: string };
}

const ACCOUNT = "0b4cf0ce-8a43-4d0c-9f4e-2b7d6a0e3c11";
const OTHER = "7d1e2f3a-4b5c-4d6e-8f70-819203a4b5c6";
const CARD = "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f";
const AT = "2026-11-22T09:15:04.000Z";
const CERTIFICATE = "5f0a9c2e-3b71-4d8a-9e64-c1d2e3f4a5b6";

export const ENDPOINTS: EndpointDoc[] = [
  { example: { accounts: [{ id: ACCOUNT, name: "Acme Retail ZAR operating", number: "10004279531", currency: "ZAR", mode: "live", companyId: OTHER }] },  method: "get", path: "/api/v1/accounts", permission: "accounts:view", summary: "The key's accounts, of its mode", response: z.object({ accounts: z.array(s.account) }), status: 200 },
  { example: { accountId: ACCOUNT, currency: "ZAR", currentBalance: 185432150, availableBalance: 183557150 },  method: "get", path: "/api/v1/accounts/{id}/balance", permission: "balances:view", summary: "Current and available balance", response: s.balance, status: 200 },
  { example: { transactions: [{ id: OTHER, postedAt: AT, amount: -1875000, currency: "ZAR", description: "PAYMENT to Nampak Packaging: INV-88213", type: "payment", balanceAfter: 185432150 }], nextPage: 2 }, 
    method: "get",
    path: "/api/v1/accounts/{id}/transactions",
    permission: "transactions:view",
    summary: "Posted transactions, newest first, 50 a page",
    query: s.transactionsQuery,
    response: z.object({ transactions: z.array(s.transaction), nextPage: z.number().int().nullable() }),
    status: 200,
  },
  { example: { statements: [{ month: "2026-10", currency: "ZAR", openingBalance: 171204400, closingBalance: 185432150 }] },  method: "get", path: "/api/v1/accounts/{id}/statements", permission: "statements:view", summary: "Monthly opening and closing balances", response: z.object({ statements: z.array(s.statement) }), status: 200 },
  { example: { taxCertificates: [{ id: CERTIFICATE, taxYear: "2026", kind: "interest", currency: "ZAR", interestEarned: 1343207, issuedAt: "2026-03-14T06:00:00.000Z" }, { id: OTHER, taxYear: "2025", kind: "interest", currency: "ZAR", interestEarned: 1297540, issuedAt: "2025-03-14T06:00:00.000Z" }] },
    method: "get",
    path: "/api/v1/accounts/{id}/tax-certificates",
    permission: "tax_certificates:view",
    summary: "The account's yearly tax certificates",
    response: z.object({ taxCertificates: z.array(s.taxCertificate) }),
    status: 200,
  },
  { example: "%PDF-1.7 … (one A4 page: the account, the tax year and its dates, the interest earned, the issue date)",
    method: "get",
    path: "/api/v1/accounts/{id}/tax-certificates/{certId}",
    permission: "tax_certificates:view",
    summary: "One tax certificate as a PDF to download",
    response: z.string(),
    status: 200,
    download: { contentType: "application/pdf", filename: "latchkey-tax-certificate-10004279531-2026.pdf" },
  },
  { example: { transfer: { id: OTHER, fromAccountId: ACCOUNT, toAccountId: "ACCOUNT_ID", amount: 150000, currency: "ZAR", reference: "Month-end sweep", createdAt: AT } }, 
    method: "post",
    path: "/api/v1/accounts/{id}/transfers",
    permission: "transfers:edit",
    summary: "Move money to another of the key's accounts, in the same currency",
    request: s.transferRequest,
    response: z.object({ transfer: s.transfer }),
    status: 201,
    idempotent: true,
    sampleBody: { toAccountId: "ACCOUNT_ID", amount: 150000, reference: "Month-end sweep" },
  },
  { example: { payments: [{ id: OTHER, accountId: ACCOUNT, status: "pending_approval", amount: 250000, currency: "ZAR", beneficiaryName: "Nampak Packaging", reference: "INV-2211", createdAt: AT }] },  method: "get", path: "/api/v1/accounts/{id}/payments", permission: "payments:view", summary: "Payments from the account", response: z.object({ payments: z.array(s.payment) }), status: 200 },
  { example: { payment: { id: OTHER, accountId: ACCOUNT, status: "pending_approval", amount: 250000, currency: "ZAR", beneficiaryName: "Nampak Packaging", reference: "INV-2211", createdAt: AT } }, 
    method: "post",
    path: "/api/v1/accounts/{id}/payments",
    permission: "payments:edit",
    summary: "Create a payment; it waits for a member's approval in the portal",
    request: s.paymentRequest,
    response: z.object({ payment: s.payment }),
    status: 201,
    idempotent: true,
    sampleBody: { beneficiaryName: "Nampak Packaging", accountNumber: "62012345678", bankCode: "250655", amount: 250000, reference: "INV-2211" },
  },
  { example: { cards: [{ id: CARD, accountId: ACCOUNT, last4: "7310", name: "Acme Retail fleet card" }] },  method: "get", path: "/api/v1/cards", permission: "card_code:view", summary: "Cards on the key's accounts", response: z.object({ cards: z.array(s.card) }), status: 200 },
  { example: { cardId: CARD, code: "const beforeTransaction = async (authorization) => true;", updatedAt: AT },  method: "get", path: "/api/v1/cards/{id}/code", permission: "card_code:view", summary: "A card's programmable code", response: s.cardCode, status: 200 },
  { example: { cardId: CARD, code: "const beforeTransaction = async (authorization) => true;", updatedAt: AT }, 
    method: "put",
    path: "/api/v1/cards/{id}/code",
    permission: "card_code:edit",
    summary: "Replace a card's programmable code",
    request: s.cardCodeRequest,
    response: s.cardCode,
    status: 200,
    sampleBody: { code: "const beforeTransaction = async (authorization) => true;" },
  },
];

const ERRORS: Record<string, string> = {
  "401": "missing_key or invalid_key",
  "403": "key_frozen, organisation_suspended, insufficient_permission or account_not_allowed",
  "404": "not_found",
  "422": "invalid_request, with the failing fields",
  "429": "rate_limited, with Retry-After",
};

function schema(type: z.ZodType) {
  const { $schema: _, ...rest } = z.toJSONSchema(type, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

export function openApiDocument(serverUrl = "/") {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of ENDPOINTS) {
    const parameters: unknown[] = [];
    if (e.path.includes("{id}")) parameters.push({ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } });
    if (e.path.includes("{certId}")) parameters.push({ name: "certId", in: "path", required: true, schema: { type: "string", format: "uuid" } });
    if (e.query) {
      const props = (schema(e.query).properties ?? {}) as Record<string, unknown>;
      for (const [name, prop] of Object.entries(props)) parameters.push({ name, in: "query", required: false, schema: prop });
    }
    if (e.idempotent) parameters.push({ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 255 } });
    paths[e.path] ??= {};
    paths[e.path]![e.method] = {
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
          Object.entries(ERRORS).map(([status, description]) => [status, { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }]),
        ),
      },
    };
  }
  paths["/api/oauth2/token"] = {
    post: {
      summary: "Exchange client credentials and an API key for a 30-minute bearer token",
      security: [{ clientCredentials: [] }],
      parameters: [{ name: "x-api-key", in: "header", required: true, schema: { type: "string" } }],
      requestBody: {
        required: true,
        content: { "application/x-www-form-urlencoded": { schema: { type: "object", properties: { grant_type: { const: "client_credentials" } }, required: ["grant_type"] } } },
      },
      responses: {
        "200": {
          description: "A bearer token carrying the key's permissions",
          content: {
            "application/json": {
              schema: {
                type: "object",
                properties: { access_token: { type: "string" }, token_type: { const: "Bearer" }, expires_in: { type: "integer" }, scope: { type: "string" } },
              },
            },
          },
        },
        "400": { description: "unsupported_grant_type or invalid_grant (RFC 6749)" },
        "401": { description: "invalid_client (RFC 6749)" },
      },
    },
  };
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
  };
}

/** GET /api/openapi.json */
export async function serveOpenApi(request: Request): Promise<Response> {
  return new Response(JSON.stringify(openApiDocument(new URL(request.url).origin)), {
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "public, max-age=300" },
  });
}
