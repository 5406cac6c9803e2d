import { describe, expect, it } from "vitest";
import { benchAccountsUnverified, benchStats } from "@/lib/api/bench";
import { ENDPOINTS, openApiDocument, serveOpenApi } from "@/lib/api/openapi";
import { ALL_KEY_PERMISSIONS } from "@/lib/key-permissions";

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
      "/api/v1/accounts/{id}/transactions",
      "/api/v1/accounts/{id}/transfers",
      "/api/v1/cards",
      "/api/v1/cards/{id}/code",
    ]);
  });

  it("describes request bodies from the validating schemas, strict and with their limits", () => {
    const doc = openApiDocument();
    const transfer = doc.paths["/api/v1/accounts/{id}/transfers"]!.post as { requestBody: { content: { "application/json": { schema: Record<string, unknown> } } } };
    const body = transfer.requestBody.content["application/json"].schema as { required: string[]; additionalProperties: boolean; properties: { amount: { type: string } } };
    expect(body.required.sort()).toEqual(["amount", "reference", "toAccountId"]);
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.amount.type).toBe("integer");
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
