import "server-only";
import { z } from "zod";
import type { KeyPermission } from "@/lib/key-permissions";
import * as s from "./schemas";

/**
 * The bank API's endpoints, each declared once: method, path, the key permission it enforces, what
 * it takes and answers, and an example. The route table (lib/api/routes.ts), the OpenAPI document
 * and the docs page (lib/api/openapi.ts) and a key's samples (lib/api/samples.ts, endpointsOpenedBy)
 * are all derived from this list; each handler is bound to its declaration with `endpointHandler`
 * (lib/api/handler.ts). A permission must be one the key wizard offers (KeyPermission, from
 * lib/key-permissions.ts), and the tests hold each one the wizard offers to at least one endpoint.
 *
 * Pure data, but kept off the browser: its zod schemas would bring zod into every page that shows
 * a key's grants.
 */

export type HttpMethod = "GET" | "POST" | "PUT";

interface EndpointBase {
  method: HttpMethod;
  /** The path template, `{name}` for a path parameter: "/api/v1/accounts/{id}/balance". */
  path: `/api/${string}`;
  summary: string;
}

/** An endpoint a key calls: the API's one door checks `permission` before its handler runs. */
export interface KeyEndpoint extends EndpointBase {
  permission: KeyPermission;
  query?: z.ZodType;
  request?: z.ZodType;
  response: z.ZodType;
  status: 200 | 201;
  /** Takes an Idempotency-Key header. */
  idempotent?: true;
  /** The request body the samples send. */
  sampleBody?: unknown;
  /** A response as the endpoint answers it, for the samples. */
  example: unknown;
  /** Set when the endpoint answers a file to download instead of JSON. */
  download?: { contentType: "application/pdf"; filename: string };
}

/** An endpoint no key permission opens: it says why, and describes itself to OpenAPI by hand. */
export interface OpenEndpoint extends EndpointBase {
  permission: null;
  /** Why it answers without a key permission. */
  public: string;
  /** Its OpenAPI operation (the summary is added), or false to leave it out of the document. */
  openapi: Record<string, unknown> | false;
}

export type EndpointDeclaration = KeyEndpoint | OpenEndpoint;

/**
 * Declares an endpoint. The literal method, path and permission are kept, so a handler's path
 * parameters are typed from the path, and a permission the wizard does not offer does not compile.
 */
export function defineEndpoint<const E extends EndpointDeclaration>(endpoint: E): E {
  return endpoint;
}

type ParamNames<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;

/** The parameters a path template names: "/cards/{id}/code" → `{ id: string }`. */
export type PathParams<Path extends string> = { [Name in ParamNames<Path>]: string };

export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
}

const ACCOUNT = "0b4cf0ce-8a43-4d0c-9f4e-2b7d6a0e3c11";
const OTHER = "7d1e2f3a-4b5c-4d6e-8f70-819203a4b5c6";
const CARD = "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f";
const AT = "2026-11-22T09:15:04.000Z";
const CERTIFICATE = "5f0a9c2e-3b71-4d8a-9e64-c1d2e3f4a5b6";
const CARD_CODE = "const beforeTransaction = async (authorization) => true;";
const PAYMENT = {
  id: OTHER,
  accountId: ACCOUNT,
  status: "pending_approval",
  amount: 250000,
  currency: "ZAR",
  beneficiaryName: "Nampak Packaging",
  reference: "INV-2211",
  createdAt: AT,
};

/** The production API, in route order (which is also the OpenAPI document's and the docs page's). */
export const API_ENDPOINTS = {
  listAccounts: defineEndpoint({
    method: "GET",
    path: "/api/v1/accounts",
    permission: "accounts:view",
    summary: "The key's accounts, of its mode",
    response: z.object({ accounts: z.array(s.account) }),
    status: 200,
    example: { accounts: [{ id: ACCOUNT, name: "Acme Retail ZAR operating", number: "10004279531", currency: "ZAR", mode: "live", companyId: OTHER }] },
  }),
  getBalance: defineEndpoint({
    method: "GET",
    path: "/api/v1/accounts/{id}/balance",
    permission: "balances:view",
    summary: "Current and available balance",
    response: s.balance,
    status: 200,
    example: { accountId: ACCOUNT, currency: "ZAR", currentBalance: 185432150, availableBalance: 183557150 },
  }),
  listTransactions: defineEndpoint({
    method: "GET",
    path: "/api/v1/accounts/{id}/transactions",
    permission: "transactions:view",
    summary: "Posted transactions, newest first, 50 a page",
    query: s.transactionsQuery,
    response: z.object({ transactions: z.array(s.transaction), nextPage: z.number().int().nullable() }),
    status: 200,
    example: {
      transactions: [
        {
          id: OTHER,
          postedAt: AT,
          amount: -1875000,
          currency: "ZAR",
          description: "PAYMENT to Nampak Packaging: INV-88213",
          type: "payment",
          balanceAfter: 185432150,
        },
      ],
      nextPage: 2,
    },
  }),
  listStatements: defineEndpoint({
    method: "GET",
    path: "/api/v1/accounts/{id}/statements",
    permission: "statements:view",
    summary: "Monthly opening and closing balances",
    response: z.object({ statements: z.array(s.statement) }),
    status: 200,
    example: { statements: [{ month: "2026-10", currency: "ZAR", openingBalance: 171204400, closingBalance: 185432150 }] },
  }),
  listTaxCertificates: defineEndpoint({
    method: "GET",
    path: "/api/v1/accounts/{id}/tax-certificates",
    permission: "tax_certificates:view",
    summary: "The account's yearly tax certificates",
    response: z.object({ taxCertificates: z.array(s.taxCertificate) }),
    status: 200,
    example: {
      taxCertificates: [
        { id: CERTIFICATE, taxYear: "2026", kind: "interest", currency: "ZAR", interestEarned: 1343207, issuedAt: "2026-03-14T06:00:00.000Z" },
        { id: OTHER, taxYear: "2025", kind: "interest", currency: "ZAR", interestEarned: 1297540, issuedAt: "2025-03-14T06:00:00.000Z" },
      ],
    },
  }),
  getTaxCertificatePdf: defineEndpoint({
    method: "GET",
    path: "/api/v1/accounts/{id}/tax-certificates/{certId}",
    permission: "tax_certificates:view",
    summary: "One tax certificate as a PDF to download",
    response: z.string(),
    status: 200,
    download: { contentType: "application/pdf", filename: "latchkey-tax-certificate-10004279531-2026.pdf" },
    example: "%PDF-1.7 … (one A4 page: the account, the tax year and its dates, the interest earned, the issue date)",
  }),
  createTransfer: defineEndpoint({
    method: "POST",
    path: "/api/v1/accounts/{id}/transfers",
    permission: "transfers:edit",
    summary: "Move money to another of the key's accounts, in the same currency",
    request: s.transferRequest,
    response: z.object({ transfer: s.transfer }),
    status: 201,
    idempotent: true,
    sampleBody: { toAccountId: "ACCOUNT_ID", amount: 150000, reference: "Month-end sweep" },
    example: {
      transfer: { id: OTHER, fromAccountId: ACCOUNT, toAccountId: "ACCOUNT_ID", amount: 150000, currency: "ZAR", reference: "Month-end sweep", createdAt: AT },
    },
  }),
  listPayments: defineEndpoint({
    method: "GET",
    path: "/api/v1/accounts/{id}/payments",
    permission: "payments:view",
    summary: "Payments from the account",
    response: z.object({ payments: z.array(s.payment) }),
    status: 200,
    example: { payments: [PAYMENT] },
  }),
  createPayment: defineEndpoint({
    method: "POST",
    path: "/api/v1/accounts/{id}/payments",
    permission: "payments:edit",
    summary: "Create a payment; it waits for a member's approval in the portal",
    request: s.paymentRequest,
    response: z.object({ payment: s.payment }),
    status: 201,
    idempotent: true,
    sampleBody: { beneficiaryName: "Nampak Packaging", accountNumber: "62012345678", bankCode: "250655", amount: 250000, reference: "INV-2211" },
    example: { payment: PAYMENT },
  }),
  listCards: defineEndpoint({
    method: "GET",
    path: "/api/v1/cards",
    permission: "card_code:view",
    summary: "Cards on the key's accounts",
    response: z.object({ cards: z.array(s.card) }),
    status: 200,
    example: { cards: [{ id: CARD, accountId: ACCOUNT, last4: "7310", name: "Acme Retail fleet card" }] },
  }),
  getCardCode: defineEndpoint({
    method: "GET",
    path: "/api/v1/cards/{id}/code",
    permission: "card_code:view",
    summary: "A card's programmable code",
    response: s.cardCode,
    status: 200,
    example: { cardId: CARD, code: CARD_CODE, updatedAt: AT },
  }),
  putCardCode: defineEndpoint({
    method: "PUT",
    path: "/api/v1/cards/{id}/code",
    permission: "card_code:edit",
    summary: "Replace a card's programmable code",
    request: s.cardCodeRequest,
    response: s.cardCode,
    status: 200,
    sampleBody: { code: CARD_CODE },
    example: { cardId: CARD, code: CARD_CODE, updatedAt: AT },
  }),
  issueToken: defineEndpoint({
    method: "POST",
    path: "/api/oauth2/token",
    permission: null,
    public: "the OAuth token endpoint authenticates the key and the client credentials itself",
    summary: "Exchange client credentials and an API key for a 30-minute bearer token",
    openapi: {
      security: [{ clientCredentials: [] }],
      parameters: [{ name: "x-api-key", in: "header", required: true, schema: { type: "string" } }],
      requestBody: {
        required: true,
        content: {
          "application/x-www-form-urlencoded": {
            schema: { type: "object", properties: { grant_type: { const: "client_credentials" } }, required: ["grant_type"] },
          },
        },
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
  }),
  serveOpenApi: defineEndpoint({
    method: "GET",
    path: "/api/openapi.json",
    permission: null,
    public: "the API description is public",
    summary: "This API described in OpenAPI 3.1",
    // The document does not list itself.
    openapi: false,
  }),
  serveHealth: defineEndpoint({
    method: "GET",
    path: "/api/health",
    permission: null,
    public: "a liveness probe: it says the process answers, and reads nothing",
    summary: "Liveness: the process answers",
    // Probes for the platform that runs Latchkey, not part of the bank API (README: Deploying).
    openapi: false,
  }),
  serveReady: defineEndpoint({
    method: "GET",
    path: "/api/ready",
    permission: null,
    public: "a readiness probe: it says whether the database answers with every migration applied, and writes nothing",
    summary: "Readiness: the database answers and every migration is applied",
    openapi: false,
  }),
  reportLeakedTokens: defineEndpoint({
    method: "POST",
    path: "/api/secret-scanning/report",
    permission: null,
    public: "a secret-scanning partner's leak report: it carries no key, and is taken only when signed with a partner's key (LATCHKEY_SECRET_SCANNING_KEYS)",
    summary: "A secret-scanning partner reports tokens it found in public; Latchkey keys among them are frozen",
    // For secret-scanning partners, not for integrators: README "Secret scanning" describes it.
    openapi: false,
  }),
};

export type EndpointName = keyof typeof API_ENDPOINTS;

export function isKeyEndpoint(endpoint: EndpointDeclaration): endpoint is KeyEndpoint {
  return endpoint.permission !== null;
}

/** Every production endpoint, in route order. */
export const ENDPOINT_LIST: EndpointDeclaration[] = Object.values(API_ENDPOINTS);

/** The endpoints a key calls: the docs page's entries and a key's samples. */
export const KEY_ENDPOINTS: KeyEndpoint[] = ENDPOINT_LIST.filter(isKeyEndpoint);

/** The endpoints a key holding these permissions may call, in route order: its page's samples. */
export function endpointsOpenedBy(permissions: readonly string[]): KeyEndpoint[] {
  return KEY_ENDPOINTS.filter((e) => permissions.includes(e.permission));
}
