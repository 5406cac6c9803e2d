import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { markDraining } from "@/lib/api/health";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { dispatchApi } from "@/lib/api/routes";
import { openDatabase } from "@/lib/db/client";
import { databaseReadiness, shippedMigrations } from "@/lib/db/readiness";
import { apiKeys } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { metrics } from "@/lib/observability/metrics";
import { serveMetrics } from "@/lib/observability/metrics-endpoint";
import { portalRoutes } from "@/lib/observability/portal-routes";
import { db } from "@/lib/test/helpers";
import { makeKey } from "@/lib/test/keys";
import { captureOutput } from "@/lib/test/output";

beforeAll(async () => {
  await seedDemoData(db());
});

const TOKEN = "metrics-token-for-the-tests-0123456789";
let address = 0;

/** A bank API request as the production server hands it to the dispatcher (its own client address each time). */
function api(pathname: string, init: { key?: string; method?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { [CLIENT_ADDRESS_HEADER]: `198.51.100.${++address % 250}`, ...init.headers };
  if (init.key) headers["x-api-key"] = init.key;
  return dispatchApi(new Request(`http://bank.test${pathname}`, { method: init.method ?? "GET", headers }), init.method ?? "GET");
}

async function scrape(): Promise<string> {
  return (await serveMetrics(new Request("http://bank.test/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }), TOKEN)).text();
}

/** A sample's value in Prometheus text, 0 when the series does not exist yet. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe("the probes", () => {
  it("GET /api/health answers 200 without a credential and reads nothing", async () => {
    const { result, lines } = await captureOutput(async () => {
      const response = await api("/api/health");
      return { status: response.status, body: await response.json(), cache: response.headers.get("cache-control") };
    });
    expect(result).toEqual({ status: 200, body: { status: "ok" }, cache: "no-store" });
    expect(lines.find((l) => l.msg === "api request")).toMatchObject({ route: "/api/health", status: 200, keyPrefix: null });
  });

  it("GET /api/ready answers 200 when every shipped migration is applied; wrong methods are 405, never 500", async () => {
    const response = await api("/api/ready");
    expect(response.status).toBe(200);
    const expected = shippedMigrations().length;
    expect(expected).toBeGreaterThanOrEqual(6);
    expect(await response.json()).toEqual({ status: "ready", migrations: { applied: expected, expected } });
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const refused = await api("/api/ready", { method });
      expect([refused.status, refused.headers.get("allow")]).toEqual([405, "GET, HEAD, OPTIONS"]);
      expect((await api("/api/health", { method })).status).toBe(405);
    }
    expect((await api("/api/ready", { method: "HEAD" })).status).toBe(200);
  });

  it("is not ready while a shipped migration is missing, or while the database cannot answer", async () => {
    const latest = shippedMigrations().at(-1)!;
    await db()
      .transaction(async (tx) => {
        await tx.execute(sql`delete from drizzle.__drizzle_migrations where created_at = ${latest}`);
        expect(await databaseReadiness(tx)).toEqual({
          ready: false,
          reason: `1 of ${shippedMigrations().length} migrations are not applied yet.`,
          applied: shippedMigrations().length - 1,
          expected: shippedMigrations().length,
        });
        tx.rollback();
      })
      .catch((error: Error) => expect(error.message).toMatch(/Rollback/));
    expect(await databaseReadiness(db())).toMatchObject({ ready: true });

    // A migration this build ships but the database has never seen.
    expect(await databaseReadiness(db(), [...shippedMigrations(), latest + 1])).toMatchObject({ ready: false, reason: expect.stringMatching(/^1 of/) });

    const unreachable = openDatabase({ url: "postgres://nobody@127.0.0.1:1/latchkey" });
    try {
      expect(await databaseReadiness(unreachable.db)).toEqual({ ready: false, reason: "The database did not answer." });
    } finally {
      await unreachable.close();
    }
  });
});

describe("request log lines and metrics", () => {
  it("writes one JSON line per API request with its request id, route template, status, duration and key prefix — never the key", async () => {
    const { key, id } = await makeKey();
    const before = await scrape();
    const {
      result: responses,
      lines,
      text,
    } = await captureOutput(async () => [
      await api("/api/v1/accounts", { key }),
      await api(`/api/v1/accounts/${"0".repeat(8)}-0000-4000-8000-000000000000/balance`, { key }),
      await api("/api/v1/accounts", { key: `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}` }),
      await api("/api/v1/no-such-thing", { key }),
    ]);
    const requestLines = lines.filter((l) => l.msg === "api request");
    expect(requestLines).toHaveLength(4);
    expect(requestLines.map((l) => [l.route, l.status, l.keyPrefix, l.method])).toEqual([
      ["/api/v1/accounts", 200, key.slice(0, 12), "GET"],
      ["/api/v1/accounts/{id}/balance", 404, key.slice(0, 12), "GET"],
      ["/api/v1/accounts", 401, null, "GET"],
      ["(unmatched)", 404, null, "GET"],
    ]);
    for (const [i, line] of requestLines.entries()) {
      expect(line.requestId).toBe(responses[i]!.headers.get("x-request-id"));
      expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof line.durationMs).toBe("number");
      expect(line.level).toBe("info");
      expect(new Date(String(line.time)).toISOString()).toBe(line.time);
    }
    // The key's secret part, and the path's id, appear nowhere.
    expect(text).not.toContain(key.slice(12));
    expect(text).not.toContain("00000000-0000-4000");

    const after = await scrape();
    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(delta('latchkey_api_requests_total{route="/api/v1/accounts",status="200"}')).toBe(1);
    expect(delta('latchkey_api_requests_total{route="/api/v1/accounts",status="401"}')).toBe(1);
    expect(delta('latchkey_api_requests_total{route="(unmatched)",status="404"}')).toBe(1);
    expect(delta('latchkey_api_request_duration_seconds_count{route="/api/v1/accounts"}')).toBe(2);
    expect(delta('latchkey_key_verifications_total{outcome="valid"}')).toBe(2);
    expect(delta('latchkey_key_verifications_total{outcome="invalid"}')).toBe(1);

    await changingKeyAccess(db(), () => db().update(apiKeys).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(apiKeys.id, id)));
    const frozenBefore = sample(await scrape(), 'latchkey_key_verifications_total{outcome="frozen"}');
    expect((await api("/api/v1/accounts", { key })).status).toBe(403);
    expect((await api("/api/v1/accounts")).status).toBe(401);
    const last = await scrape();
    expect(sample(last, 'latchkey_key_verifications_total{outcome="frozen"}') - frozenBefore).toBe(1);
    expect(sample(last, 'latchkey_key_verifications_total{outcome="missing"}')).toBeGreaterThanOrEqual(1);
  });

  it("names the route template of a portal path, never its id or token", () => {
    const build = mkdtempSync(path.join(os.tmpdir(), "latchkey-routes-"));
    writeFileSync(
      path.join(build, "routes-manifest.json"),
      JSON.stringify({
        staticRoutes: [{ page: "/" }, { page: "/keys" }, { page: "/keys/new" }],
        dynamicRoutes: [
          { page: "/api/[...path]", regex: "^/api/(.+?)(?:/)?$" },
          { page: "/invite/[token]", regex: "^/invite/([^/]+?)(?:/)?$" },
          { page: "/keys/[id]", regex: "^/keys/([^/]+?)(?:/)?$" },
        ],
      }),
    );
    const routeOf = portalRoutes(build);
    expect(routeOf("/keys")).toBe("/keys");
    expect(routeOf("/keys/")).toBe("/keys");
    expect(routeOf("/keys/new")).toBe("/keys/new");
    expect(routeOf("/keys/5b0c3a4e-0000-4000-8000-000000000001")).toBe("/keys/[id]");
    expect(routeOf("/invite/one-time-secret-token")).toBe("/invite/[token]");
    expect(routeOf("/_next/static/chunks/app.js")).toBe("/_next/static/[...path]");
    expect(routeOf("/nothing/here")).toBe("(unmatched)");
    expect(portalRoutes(path.join(build, "missing"))("/keys")).toBe("(unmatched)");
  });
});

describe("GET /metrics", () => {
  it("does not exist without METRICS_TOKEN, refuses a missing or wrong token, and answers Prometheus text with the right one", async () => {
    const get = (headers: Record<string, string> = {}, method = "GET", token = TOKEN) =>
      serveMetrics(new Request("http://bank.test/metrics", { method, headers }), token);
    // METRICS_TOKEN unset (the default): no endpoint at all.
    const off = await get({ authorization: `Bearer ${TOKEN}` }, "GET", "");
    expect([off.status, (await off.json()).error.code]).toEqual([404, "not_found"]);

    for (const authorization of [
      undefined,
      "Bearer wrong-token-of-some-length",
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      `Bearer ${"x".repeat(100_000)}`,
    ]) {
      const refused = await get(authorization === undefined ? {} : { authorization });
      expect([refused.status, refused.headers.get("www-authenticate")]).toEqual([401, 'Bearer realm="metrics"']);
      expect((await refused.json()).error.code).toBe("unauthorized");
    }
    for (const method of ["POST", "PUT", "DELETE"]) {
      const refused = await get({ authorization: `Bearer ${TOKEN}` }, method);
      expect([refused.status, refused.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    }

    const ok = await get({ authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    for (const name of [
      "latchkey_api_requests_total",
      "latchkey_api_request_duration_seconds",
      "latchkey_key_verifications_total",
      "latchkey_reminders_sent_total",
      "latchkey_emails_sent_total",
      "latchkey_db_pool_connections",
      "latchkey_http_requests_in_flight",
      "process_cpu_seconds_total",
      "nodejs_eventloop_lag_seconds",
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
    expect(metrics()).toBe(metrics());
  });
});

describe("a server that is shutting down", () => {
  it("is no longer ready, so a proxy stops sending it requests, while it stays alive", async () => {
    markDraining();
    const ready = await api("/api/ready");
    expect([ready.status, await ready.json()]).toEqual([503, { status: "unavailable", reason: "This instance is shutting down." }]);
    expect((await api("/api/health")).status).toBe(200);
  });
});
