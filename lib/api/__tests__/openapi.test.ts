import { describe, expect, it } from "vitest";
import { benchAccountsUnverified, benchStats } from "@/lib/api/bench";
import { ENDPOINTS, openApiDocument, serveOpenApi } from "@/lib/api/openapi";
import { curlSample, responseSample } from "@/lib/api/samples";
import { ALL_KEY_PERMISSIONS } from "@/lib/key-permissions";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/event-types";

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with every endpoint of PRODUCT.md and the token endpoint", async () => {
    const response = await serveOpenApi(new Request("http://bank.test/api/openapi.json"));
    const doc = await response.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/oauth2/token",
      "/api/v1/accounts",
      "/api/v1/accounts/{id}/balance",
      "/api/v1/accounts/{id}/payments",
      "/api/v1/accounts/{id}/statements",
      "/api/v1/accounts/{id}/tax-certificates",
      "/api/v1/accounts/{id}/tax-certificates/{certId}",
      "/api/v1/accounts/{id}/transactions",
      "/api/v1/accounts/{id}/transfers",
      "/api/v1/cards",
      "/api/v1/cards/{id}/code",
    ]);
  });

  it("describes request bodies from the validating schemas, strict and with their limits", () => {
    const doc = openApiDocument();
    const transfer = doc.paths["/api/v1/accounts/{id}/transfers"]!.post as {
      requestBody: { content: { "application/json": { schema: Record<string, unknown> } } };
    };
    const body = transfer.requestBody.content["application/json"].schema as {
      required: string[];
      additionalProperties: boolean;
      properties: { amount: { type: string } };
    };
    expect(body.required.sort()).toEqual(["amount", "reference", "toAccountId"]);
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.amount.type).toBe("integer");
  });

  it("describes the tax certificates: the list as JSON, one certificate as a PDF download", () => {
    const doc = openApiDocument();
    const list = doc.paths["/api/v1/accounts/{id}/tax-certificates"]!.get as {
      "x-permission": string;
      responses: Record<string, { content: Record<string, { schema: { properties: Record<string, { items: { required: string[] } }> } }> }>;
    };
    expect(list["x-permission"]).toBe("tax_certificates:view");
    expect(list.responses["200"]!.content["application/json"]!.schema.properties.taxCertificates!.items.required.sort()).toEqual([
      "currency",
      "id",
      "interestEarned",
      "issuedAt",
      "kind",
      "taxYear",
    ]);
    const pdf = doc.paths["/api/v1/accounts/{id}/tax-certificates/{certId}"]!.get as {
      "x-permission": string;
      parameters: { name: string; in: string }[];
      responses: Record<string, { content: Record<string, { schema: Record<string, string> }>; headers?: Record<string, unknown> }>;
    };
    expect(pdf["x-permission"]).toBe("tax_certificates:view");
    expect(pdf.parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(["id", "certId"]);
    expect(Object.keys(pdf.responses["200"]!.content)).toEqual(["application/pdf"]);
    expect(pdf.responses["200"]!.content["application/pdf"]!.schema).toMatchObject({ type: "string", format: "binary" });
    expect(pdf.responses["200"]!.headers).toHaveProperty("Content-Disposition");
    expect(pdf.responses["404"]).toBeDefined();
  });

  it("gives the PDF endpoint a sample that saves the file and names the certificate to fill in", () => {
    const pdf = ENDPOINTS.find((e) => e.path.endsWith("{certId}"))!;
    const sample = curlSample(pdf, { origin: "http://bank.test", prefix: "lk_live_abcd", accountId: "ACC" });
    expect(sample).toContain('"http://bank.test/api/v1/accounts/ACC/tax-certificates/CERTIFICATE_ID"');
    expect(sample).toMatch(/-o tax-certificate\.pdf$/);
    expect(curlSample(pdf, { origin: "http://bank.test", prefix: "lk_live_abcd", accountId: "ACC", certificateId: "CERT" })).toContain(
      '/ACC/tax-certificates/CERT"',
    );
    expect(responseSample(pdf)).toMatch(/^HTTP\/1\.1 200 OK\ncontent-type: application\/pdf\ncontent-disposition: attachment; filename="[^"]+\.pdf"/);
  });

  it("documents an endpoint for every key permission the wizard offers — nothing decorative", () => {
    expect([...new Set(ENDPOINTS.map((e) => e.permission))].sort()).toEqual([...ALL_KEY_PERMISSIONS].sort());
  });
});

describe("the benchmark's routes", () => {
  it("do not exist unless the server was started for the benchmark", async () => {
    expect((await benchAccountsUnverified(new Request("http://bank.test/api/bench/accounts-unverified?keyId=x"))).status).toBe(404);
    expect((await benchStats()).status).toBe(404);
  });
});

describe("the webhooks in the OpenAPI document", () => {
  it("describes every event type with the Standard Webhooks headers and the {type, timestamp, data} body", () => {
    const doc = openApiDocument() as { webhooks: Record<string, { post: { parameters: { name: string; in: string }[]; requestBody: unknown } }> };
    expect(Object.keys(doc.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES, "webhook.test"].sort());
    const created = doc.webhooks["key.created"]!.post;
    expect(created.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(["header:webhook-id", "header:webhook-timestamp", "header:webhook-signature"]);
    expect(created.requestBody).toMatchObject({
      content: { "application/json": { schema: { required: ["type", "timestamp", "data"], properties: { type: { const: "key.created" } } } } },
    });
  });
});
