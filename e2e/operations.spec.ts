import http from "node:http";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { DEMO_PASSWORD } from "@/lib/demo/people";
import { type Fixtures, pin } from "./support/fixtures";
import { type FreshDatabase, freshPostgresDatabase, prepareDatabase, type RunningServer, startServer } from "./support/servers";

/**
 * Running Latchkey as a platform team does: the probes, one JSON log line per request with no
 * secret in any of them, the metrics behind their token, and a graceful shutdown. This spec runs its
 * own production server (`npm start`'s script) on a database of its own, because it stops it.
 */
const PORT = Number(process.env.E2E_PORT ?? 3100) + 600;
const METRICS_TOKEN = "operations-spec-metrics-token-0123456789";
const WRONG_PIN = "864213";

test.describe.configure({ mode: "serial" });

test.describe("operating a production server", () => {
  test.setTimeout(240_000);
  let database: FreshDatabase;
  let fixtures: Fixtures;
  let server: RunningServer;

  const query = async <R extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  };

  test.beforeAll(async () => {
    database = await freshPostgresDatabase("operations");
    fixtures = (await prepareDatabase({ DATABASE_URL: database.url }))!;
    expect(pin("naledi@acme.example")).not.toBe(WRONG_PIN);
    server = await startServer({
      port: PORT,
      script: "start",
      // A long shutdown bound: the test holds twenty requests open for as long as a loaded machine needs.
      env: {
        DATABASE_URL: database.url,
        LOG_LEVEL: "info",
        METRICS_TOKEN,
        LATCHKEY_JOBS_INTERVAL_SECONDS: "3600",
        LATCHKEY_DEMO: "1",
        LATCHKEY_SHUTDOWN_SECONDS: "120",
      },
    });
  });

  test.afterAll(async () => {
    await server?.stop("SIGKILL");
    await database?.drop();
  });

  test("the probes answer without a credential, and bad requests to them get a 4xx, never a 500", async ({ request }) => {
    const health = await request.get(`${server.base}/api/health`);
    expect([health.status(), await health.json()]).toEqual([200, { status: "ok" }]);
    const ready = await request.get(`${server.base}/api/ready`);
    expect(ready.status(), await ready.text()).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", migrations: { applied: expect.any(Number) } });
    expect((await request.post(`${server.base}/api/ready`, { data: "x" })).status()).toBe(405);
    expect((await request.delete(`${server.base}/api/health`)).status()).toBe(405);
    expect((await request.get(`${server.base}/api/ready?${"q=1&".repeat(500)}`)).status()).toBe(200);
    const huge = await rawGet(server.port, "/api/ready", { "x-padding": "y".repeat(70_000) });
    expect(huge.status).toBe(431);
  });

  test("one JSON line per request, with request id, route template, status, duration and who called — and no key, PIN, password or cookie", async ({
    page,
    request,
  }) => {
    const { key } = fixtures.keys["only accounts:view"]!;
    const api = await request.get(`${server.base}/api/v1/accounts`, { headers: { "x-api-key": key } });
    expect(api.status()).toBe(200);
    const apiRequestId = api.headers()["x-request-id"];

    await page.goto(`${server.base}/sign-in`);
    await page.getByLabel("Email").fill("naledi@acme.example");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${server.base}/keys`);
    await page.getByRole("table").getByRole("link").first().click();
    await expect(page).toHaveURL(/\/keys\/[0-9a-f-]{36}$/);
    const keyPath = new URL(page.url()).pathname;
    await page.getByRole("button", { name: "Regenerate" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Your 6-digit PIN").fill(WRONG_PIN);
    await expect(dialog.getByText(/Wrong PIN/)).toBeVisible();
    const cookies = (await page.context().cookies()).filter((c) => c.name.includes("session-token"));
    expect(cookies.length).toBeGreaterThan(0);

    const [naledi] = await query<{ id: string }>("select id from users where email = $1", ["naledi@acme.example"]);
    await expect.poll(() => server.lines().some((line) => line.includes(`"route":"/keys/[id]"`) && line.includes('"method":"POST"'))).toBe(true);

    const lines = server.lines().filter((line) => line.startsWith("{"));
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const apiLine = entries.find((e) => e.msg === "api request" && e.requestId === apiRequestId);
    expect(apiLine).toMatchObject({ level: "info", method: "GET", route: "/api/v1/accounts", status: 200, keyPrefix: key.slice(0, 12) });
    expect(typeof apiLine!.durationMs).toBe("number");
    expect(entries.some((e) => e.msg === "portal request" && e.route === "/keys" && e.method === "GET" && e.status === 200 && e.userId === naledi!.id)).toBe(
      true,
    );
    const action = entries.find((e) => e.msg === "portal request" && e.route === "/keys/[id]" && e.method === "POST");
    expect(action).toMatchObject({ userId: naledi!.id, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    // The path's id is the template's business, not the line's.
    expect(lines.join("\n")).not.toContain(keyPath);

    // Nothing the server printed, from start to now, holds the key, the PIN tried or the session.
    const everything = server.output();
    expect(everything).not.toContain(key.slice(12));
    expect(everything).not.toContain(WRONG_PIN);
    for (const cookie of cookies) expect(everything).not.toContain(cookie.value.slice(0, 40));
    // `npm start` prints the demo's published sign-ins before serving; no log line repeats them.
    expect(lines.join("\n")).not.toContain(pin("naledi@acme.example"));
    expect(lines.join("\n")).not.toContain(DEMO_PASSWORD);
  });

  test("/metrics answers its bearer token only, in Prometheus text, counting what happened", async ({ request }) => {
    const { key } = fixtures.keys["fuzz 0"]!;
    for (let i = 0; i < 3; i++) expect((await request.get(`${server.base}/api/v1/accounts`, { headers: { "x-api-key": key } })).status()).toBe(200);
    expect((await request.get(`${server.base}/api/v1/accounts`, { headers: { "x-api-key": `${key.slice(0, -1)}x` } })).status()).toBe(401);

    expect((await request.get(`${server.base}/metrics`)).status()).toBe(401);
    expect((await request.get(`${server.base}/metrics`, { headers: { authorization: "Bearer not-the-token-at-all" } })).status()).toBe(401);
    expect((await request.post(`${server.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` }, data: "x" })).status()).toBe(405);
    expect((await rawGet(server.port, "/metrics", { authorization: `Bearer ${"z".repeat(80_000)}` })).status).toBe(431);

    const scraped = await request.get(`${server.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status()).toBe(200);
    expect(scraped.headers()["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await scraped.text();
    const value = (series: string) =>
      Number(
        text
          .split("\n")
          .find((line) => line.startsWith(`${series} `))
          ?.split(" ")[1] ?? Number.NaN,
      );
    // The earlier test's call and these three.
    expect(value('latchkey_api_requests_total{route="/api/v1/accounts",status="200"}')).toBe(4);
    expect(value('latchkey_api_requests_total{route="/api/v1/accounts",status="401"}')).toBe(1);
    expect(value('latchkey_key_verifications_total{outcome="valid"}')).toBe(4);
    expect(value('latchkey_key_verifications_total{outcome="invalid"}')).toBe(1);
    expect(value('latchkey_api_request_duration_seconds_count{route="/api/v1/accounts"}')).toBe(5);
    expect(value('latchkey_db_pool_connections{state="max"}')).toBe(10);
    expect(value('latchkey_portal_requests_total{route="/keys",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain("# TYPE process_cpu_seconds_total counter");
    expect(text).not.toContain(key.slice(12));
  });

  test("SIGTERM: new connections are refused, the 20 requests in flight are answered, their last use is written, the pool closes, exit 0", async () => {
    const { key } = fixtures.keys.burst;
    const [before] = await query<{ last_used_at: Date | null }>("select last_used_at from api_keys where prefix = $1", [key.slice(0, 12)]);
    expect(before!.last_used_at).toBeNull();

    // Twenty calls whose bodies are held back one byte short: in flight until the test lets them end.
    const calls = Array.from({ length: 20 }, () => heldRequest(server.port, "/api/v1/accounts", { "x-api-key": key }));
    await expect
      .poll(async () => inFlight(server.base), { message: "the server sees the twenty calls in flight", timeout: 60_000 })
      // The twenty, and the scrape asking.
      .toBe(21);

    const startedAt = new Date();
    server.child.kill("SIGTERM");
    await expect.poll(() => server.lines().some((line) => line.includes('"msg":"shutting down'))).toBe(true);
    expect(server.lines().find((line) => line.includes('"msg":"shutting down'))).toContain('"inFlight":20');
    // No longer accepting: a new connection is refused while the twenty are still open.
    await expect
      .poll(async () => (await rawGet(server.port, "/api/health").catch((error: NodeJS.ErrnoException) => ({ status: error.code }))).status)
      .toBe("ECONNREFUSED");
    expect(server.exited()).toBe(false);

    for (const call of calls) call.finish();
    const answers = await Promise.all(calls.map((call) => call.answer));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    for (const answer of answers) {
      expect(JSON.parse(answer.body).accounts.length).toBeGreaterThan(0);
      expect(answer.headers.connection).toBe("close");
    }

    expect(await server.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    const lines = server.lines();
    expect(lines.filter((line) => line.includes('"msg":"api request"') && line.includes(`"keyPrefix":"${key.slice(0, 12)}"`))).toHaveLength(20);
    expect(lines.at(-1)).toContain('"msg":"shutdown complete"');
    // Every last-used time still in memory is written on the way out (the burst key's among them, unless the 5-second flush beat it).
    expect(lines.at(-1)).toMatch(/"lastUsedWritten":\d+/);

    const [after] = await query<{ last_used_at: Date | null }>("select last_used_at from api_keys where prefix = $1", [key.slice(0, 12)]);
    expect(after!.last_used_at).not.toBeNull();
    expect(after!.last_used_at!.getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 60_000);
    // The pool was closed: no connection of the server's is left on the database.
    const [open] = await query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()");
    expect(open!.n).toBe(0);
  });
});

async function inFlight(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return Number(/^latchkey_http_requests_in_flight (\d+)$/m.exec(text)?.[1] ?? -1);
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A GET with headers Playwright's client would refuse to send (too large), straight over a socket. */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, headers, agent: false }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A GET whose declared body is sent all but its last byte, so it stays in flight until `finish()`. */
function heldRequest(port: number, path: string, headers: Record<string, string>): { answer: Promise<Answer>; finish(): void } {
  const body = "held-until-the-test-says-so";
  let finish = () => {};
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path, method: "GET", agent: false, headers: { ...headers, "content-length": String(body.length) } },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.write(body.slice(0, -1));
    finish = () => req.end(body.slice(-1));
  });
  return { answer, finish: () => finish() };
}
