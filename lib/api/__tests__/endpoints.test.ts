import { afterEach, describe, expect, it } from "vitest";
import { BENCH_ENDPOINTS, BENCH_ROUTES } from "@/lib/api/bench";
import { API_ENDPOINTS, ENDPOINT_LIST, endpointsOpenedBy, type EndpointName } from "@/lib/api/endpoints";
import type { BoundHandler } from "@/lib/api/handler";
import { ENDPOINTS, openApiDocument } from "@/lib/api/openapi";
import { API_ROUTES, createDispatcher, dispatchApi, routeTable } from "@/lib/api/routes";
import { env } from "@/lib/env";
import { ALL_KEY_PERMISSIONS, KEY_PRODUCT_GROUPS } from "@/lib/key-permissions";

const operations = (doc: ReturnType<typeof openApiDocument>) =>
  Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));

/** A concrete path for a template: each `{name}` filled with a uuid. */
const concrete = (template: string) => template.replace(/\{\w+\}/g, "0b4cf0ce-8a43-4d0c-9f4e-2b7d6a0e3c11");

/** Handlers that only say which declaration they answer for. */
function namingHandlers<Name extends string>(endpoints: Record<Name, (typeof ENDPOINT_LIST)[number]>) {
  return Object.fromEntries(
    Object.entries(endpoints).map(([name, endpoint]) => [
      name,
      Object.assign(async (_: Request, route: { params: Promise<Record<string, string>> }) => Response.json({ name, params: await route.params }), {
        endpoint,
      }),
    ]),
  ) as unknown as Record<Name, BoundHandler<never>>;
}

describe("the endpoint registry", () => {
  it("gives every route exactly one declaration, answered by the handler bound to it", () => {
    const routes = API_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(routes).size).toBe(routes.length);
    expect(routes).toEqual(ENDPOINT_LIST.map((e) => `${e.method} ${e.path}`));
    expect(API_ROUTES.map((r) => r.name)).toEqual(Object.keys(API_ENDPOINTS));
    for (const route of API_ROUTES) {
      expect(route.endpoint).toBe(API_ENDPOINTS[route.name as EndpointName]);
      expect((route.handler as unknown as BoundHandler).endpoint, route.name).toBe(route.endpoint);
    }
  });

  it("derives the OpenAPI document and the docs page from the route table, so none can drift", () => {
    const routed = API_ROUTES.map((r) => `${r.method} ${r.path}`);
    // Every route is in the document but the document itself, the platform's probes and the partners' leak report.
    const unlisted = ["GET /api/openapi.json", "GET /api/health", "GET /api/ready", "POST /api/secret-scanning/report"];
    expect(operations(openApiDocument())).toEqual(routed.filter((r) => !unlisted.includes(r)));
    // The docs page's entries (and a key's samples): every route a key permission opens.
    expect(ENDPOINTS.map((e) => `${e.method} ${e.path}`)).toEqual(API_ROUTES.filter((r) => r.endpoint.permission !== null).map((r) => `${r.method} ${r.path}`));
    expect(ENDPOINTS.map((e) => `${e.method} ${e.path}`)).toEqual([
      "GET /api/v1/accounts",
      "GET /api/v1/accounts/{id}/balance",
      "GET /api/v1/accounts/{id}/transactions",
      "GET /api/v1/accounts/{id}/statements",
      "GET /api/v1/accounts/{id}/tax-certificates",
      "GET /api/v1/accounts/{id}/tax-certificates/{certId}",
      "POST /api/v1/accounts/{id}/transfers",
      "GET /api/v1/accounts/{id}/payments",
      "POST /api/v1/accounts/{id}/payments",
      "GET /api/v1/cards",
      "GET /api/v1/cards/{id}/code",
      "PUT /api/v1/cards/{id}/code",
    ]);
    // Each documented operation names the permission its route enforces.
    const doc = openApiDocument();
    for (const e of ENDPOINTS) expect((doc.paths[e.path]![e.method.toLowerCase()] as { "x-permission": string })["x-permission"]).toBe(e.permission);
  });

  it("models the endpoints no key permission opens honestly: the token endpoint, the API description, the probes and the leak report", () => {
    const open = ENDPOINT_LIST.filter((e) => e.permission === null).map((e) => `${e.method} ${e.path}`);
    expect(open).toEqual(["POST /api/oauth2/token", "GET /api/openapi.json", "GET /api/health", "GET /api/ready", "POST /api/secret-scanning/report"]);
    const token = openApiDocument().paths["/api/oauth2/token"]!.post as { security: unknown; "x-permission"?: string };
    expect(token.security).toEqual([{ clientCredentials: [] }]);
    expect(token["x-permission"]).toBeUndefined();
  });

  it("routes each declared path template to its own handler, with the path's parameters", async () => {
    const dispatch = createDispatcher(routeTable(API_ENDPOINTS, namingHandlers(API_ENDPOINTS)));
    for (const [name, endpoint] of Object.entries(API_ENDPOINTS)) {
      const response = await dispatch(new Request(`http://bank.test${concrete(endpoint.path)}`, { method: endpoint.method }));
      const body = (await response.json()) as { name: string; params: Record<string, string> };
      expect(body.name, endpoint.path).toBe(name);
      expect(Object.keys(body.params)).toEqual([...endpoint.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
    }
  });

  it("keeps the dispatcher's answers: Allow lists a path's declared methods, an undeclared path is 404", async () => {
    const options = await dispatchApi(new Request(`http://bank.test${concrete("/api/v1/accounts/{id}/payments")}`, { method: "OPTIONS" }));
    expect([options.status, options.headers.get("allow")]).toEqual([204, "GET, POST, HEAD, OPTIONS"]);
    const wrong = await dispatchApi(new Request(`http://bank.test${concrete("/api/v1/cards/{id}/code")}`, { method: "DELETE" }));
    expect([wrong.status, wrong.headers.get("allow"), (await wrong.json()).error.message]).toEqual([
      405,
      "GET, PUT, HEAD, OPTIONS",
      "DELETE is not allowed here. Use GET or PUT.",
    ]);
    const missing = await dispatchApi(new Request("http://bank.test/api/v1/accounts/x/balance/extra"));
    expect([missing.status, (await missing.json()).error.code]).toEqual([404, "not_found"]);
  });

  it("refuses a handler bound to another declaration, and a method and path declared twice", () => {
    const handlers = namingHandlers(API_ENDPOINTS);
    expect(() => routeTable(API_ENDPOINTS, { ...handlers, getBalance: handlers.listTransactions })).toThrow(
      "The handler of getBalance is not bound to its declaration",
    );
    const twice = { ...API_ENDPOINTS, again: { ...API_ENDPOINTS.getBalance } };
    expect(() => routeTable(twice, { ...handlers, again: namingHandlers({ again: twice.again }).again })).toThrow(
      "GET /api/v1/accounts/{id}/balance is declared twice",
    );
  });
});

describe("the wizard's grants", () => {
  it("offers only permissions a declared endpoint enforces, and every endpoint's permission is offered", () => {
    const enforced = new Set(ENDPOINT_LIST.flatMap((e) => (e.permission ? [e.permission] : [])));
    expect(ALL_KEY_PERMISSIONS.filter((p) => !enforced.has(p))).toEqual([]);
    expect([...enforced].filter((p) => !ALL_KEY_PERMISSIONS.includes(p))).toEqual([]);
  });

  it("lets a key's page show, from the registry, the endpoints each of its grants opens", () => {
    const opened = (permissions: string[]) => endpointsOpenedBy(permissions).map((e) => `${e.method} ${e.path}`);
    expect(opened(["card_code:view"])).toEqual(["GET /api/v1/cards", "GET /api/v1/cards/{id}/code"]);
    expect(opened(["tax_certificates:view", "payments:edit"])).toEqual([
      "GET /api/v1/accounts/{id}/tax-certificates",
      "GET /api/v1/accounts/{id}/tax-certificates/{certId}",
      "POST /api/v1/accounts/{id}/payments",
    ]);
    // Every grant of the wizard opens something; together they open every endpoint a key calls.
    for (const permission of ALL_KEY_PERMISSIONS) expect(opened([permission]).length, permission).toBeGreaterThan(0);
    expect(endpointsOpenedBy(ALL_KEY_PERMISSIONS)).toEqual(ENDPOINTS);
    // A group's entity offers exactly the access its permissions name.
    const offered = KEY_PRODUCT_GROUPS.flatMap((g) => g.entities.flatMap((e) => e.access.map((a) => `${e.entity}:${a}`)));
    expect(offered).toEqual([...ALL_KEY_PERMISSIONS]);
  });
});

describe("the benchmark's routes", () => {
  const benchFlag = env.LATCHKEY_BENCH;
  afterEach(() => {
    env.LATCHKEY_BENCH = benchFlag;
  });

  it("are in no production route table: /api/bench/stats is 404 there even in a benchmark's environment", async () => {
    env.LATCHKEY_BENCH = "1";
    expect(API_ROUTES.filter((r) => r.path.startsWith("/api/bench"))).toEqual([]);
    expect(operations(openApiDocument()).filter((o) => o.includes("/api/bench"))).toEqual([]);
    for (const path of ["/api/bench/stats", "/api/bench/accounts-unverified?keyId=0b4cf0ce-8a43-4d0c-9f4e-2b7d6a0e3c11"]) {
      const response = await dispatchApi(new Request(`http://bank.test${path}`));
      expect([response.status, (await response.json()).error.message]).toEqual([
        404,
        "There is no such endpoint. The endpoints are listed at /api/openapi.json.",
      ]);
    }
  });

  it("are registered by the benchmark's server beside the production ones", async () => {
    expect(BENCH_ROUTES.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /api/bench/accounts-unverified", "GET /api/bench/stats"]);
    expect(Object.values(BENCH_ENDPOINTS).every((e) => e.permission === null)).toBe(true);
    const benchServer = createDispatcher([...API_ROUTES, ...BENCH_ROUTES]);
    env.LATCHKEY_BENCH = "1";
    const stats = await benchServer(new Request("http://bank.test/api/bench/stats"));
    expect(stats.status).toBe(200);
    expect(typeof (await stats.json()).queries).toBe("number");
    // Unflagged, the route still answers nothing.
    env.LATCHKEY_BENCH = "0";
    expect((await benchServer(new Request("http://bank.test/api/bench/stats"))).status).toBe(404);
  });
});
