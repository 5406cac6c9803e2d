/**
 * Hostile clients against the production server: at least 1,000 generated requests (fast-check,
 * fixed seed — set FUZZ_SEED to explore others) over every endpoint the OpenAPI document lists and
 * paths it does not, every method, forged and malformed headers and every body shape. Every
 * answer must come within 2 s, never be a 5xx, and every error must be PRODUCT.md's JSON shape
 * with nosniff.
 */
import http from "node:http";
import fc from "fast-check";
import { expect, test } from "@playwright/test";
import { fixtures } from "./support/fixtures";

const RUNS = 1200;
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const ANSWER_WITHIN_MS = 2_000;

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  localAddress: string;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  ms: number;
}

function send(port: number, request: Sent): Promise<Answer | "no answer" | Error> {
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    const done = (value: Answer | "no answer" | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    let req: http.ClientRequest;
    try {
      // A body always travels with its length, whatever the method: unframed, it would read as a second request.
      const headers = request.body ? { ...request.headers, "content-length": String(request.body.length) } : request.headers;
      req = http.request({ host: "127.0.0.1", port, method: request.method, path: request.path, headers, localAddress: request.localAddress, agent: false });
    } catch (error) {
      return done(error as Error);
    }
    const timer = setTimeout(() => {
      done("no answer");
      req.destroy();
    }, ANSWER_WITHIN_MS);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - started }));
      res.on("error", (error) => done(error));
    });
    // An early answer (413 before the body is read) may end the connection while we still write.
    req.on("error", (error) => done(error));
    req.end(request.body);
  });
}

const enc = encodeURIComponent;

test("1,200 hostile requests: every one answered within 2 s, no 5xx, every error JSON with nosniff", async ({ baseURL }) => {
  test.setTimeout(240_000);
  const port = Number(new URL(baseURL!).port);
  const keys = [0, 1, 2, 3].map((i) => fixtures().keys[`fuzz ${i}`]!.key);
  // A key with one grant, so refusals for a missing permission come back too.
  const narrow = fixtures().keys["only accounts:view"]!.key;

  // What exists, read from the server itself: endpoints and methods, and ids a valid key may use.
  const openapi = (await (await fetch(`${baseURL}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  const endpoints = Object.entries(openapi.paths).flatMap(([template, operations]) =>
    Object.keys(operations).map((method) => ({ template, method: method.toUpperCase() })),
  );
  expect(endpoints.length).toBeGreaterThanOrEqual(11);
  const accounts = (
    (await (await fetch(`${baseURL}/api/v1/accounts`, { headers: { "x-api-key": keys[0]! } })).json()) as { accounts: { id: string }[] }
  ).accounts.map((a) => a.id);
  const cards = ((await (await fetch(`${baseURL}/api/v1/cards`, { headers: { "x-api-key": keys[0]! } })).json()) as { cards: { id: string }[] }).cards.map(
    (c) => c.id,
  );
  expect(accounts.length).toBeGreaterThan(0);
  const certificates = (
    (await (await fetch(`${baseURL}/api/v1/accounts/${accounts[0]}/tax-certificates`, { headers: { "x-api-key": keys[0]! } })).json()) as {
      taxCertificates: { id: string }[];
    }
  ).taxCertificates.map((c) => c.id);
  expect(certificates.length).toBeGreaterThan(0);
  const idLike = [...accounts, ...cards, ...certificates];

  const hostileSegment = fc.constantFrom(
    "",
    "a".repeat(72),
    "a".repeat(5_000),
    "%00",
    "%2e%2e",
    "..%2f..%2f",
    "%zz",
    enc("é€😀"),
    "null",
    "-1",
    enc("' OR 1=1--"),
    "{id}",
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "%0d%0aSet-Cookie:%20x=1",
  );
  const segment = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...idLike) }, { weight: 2, arbitrary: hostileSegment }, { weight: 1, arbitrary: fc.uuid() });
  const query = fc.constantFrom(
    "",
    "?page=-1",
    "?page=1e309",
    "?page=99999999999999999999",
    "?from=notadate&to=2026-13-45",
    "?from=2026-01-01&to=2025-01-01",
    "?page=2&page=3",
    `?x=${"q".repeat(3000)}`,
    "?from=%00",
  );
  const knownPath = fc
    .record({ endpoint: fc.constantFrom(...endpoints), id: segment, id2: segment, query, trailing: fc.constantFrom("", "", "/", "//", "/extra") })
    .map(({ endpoint, id, id2, query, trailing }) => ({
      method: endpoint.method,
      path: `${endpoint.template.replace(/\{[^}]+\}/, id).replace(/\{[^}]+\}/, id2)}${trailing}${query}`,
    }));
  const unknownPath = fc
    .oneof(
      fc.constantFrom(
        "/api",
        "/api/",
        "/api/v1",
        "/api/v1/",
        "/api/v2/accounts",
        "/api/auth/session",
        "/api/v1/accounts/x/y/z",
        "/api/..%2fkeys",
        "/api/v1/../../keys",
        `/api/v1/${"a".repeat(72)}`,
      ),
      fc.stringMatching(/^[a-z0-9_-]{1,80}$/).map((s) => `/api/v1/${s}`),
      fc.stringMatching(/^[a-z0-9]{1,20}$/).map((s) => `/api/${s}`),
    )
    .map((path) => ({ method: "GET", path }));
  const method = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND");

  const validTransfer = JSON.stringify({ toAccountId: accounts[1] ?? accounts[0], amount: 1, reference: "fuzz" });
  const validPayment = JSON.stringify({ beneficiaryName: "Fuzz Ltd", accountNumber: "62000000001", bankCode: "250655", amount: 1, reference: "fuzz" });
  const body = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(
      "{}",
      validTransfer,
      validPayment,
      '{"code":"console.log(1)"}',
      "[]",
      "null",
      '"text"',
      "12",
      "{",
      "\u0000\u0000",
      '{"amount":"100","toAccountId":1,"reference":null}',
      '{"amount":-5,"reference":"x"}',
      '{"amount":1e400}',
      `{"amount":${2 ** 60},"reference":"big"}`,
      '{"reference":"\u0001\u0007\u001b[31m","amount":1}',
      // NUL, JSON-escaped: valid JSON that PostgreSQL would refuse in a text column.
      '{"beneficiaryName":"A\\u0000B","accountNumber":"62000000001","bankCode":"250655","amount":1,"reference":"x\\u0000"}',
      '{"toAccountId":"00000000-0000-0000-0000-000000000000","amount":1,"reference":"\\u0000"}',
      '{"code":"\\u0000"}',
      '{"__proto__":{"admin":true},"amount":1}',
      "grant_type=client_credentials",
      "grant_type=password&username=a",
      "[".repeat(50_000) + "]".repeat(50_000),
      JSON.stringify({ reference: "x".repeat(200_000) }),
    ),
    fc.constant("x".repeat(1_100_000)),
    fc.json({ maxDepth: 4 }),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  );
  const apiKey = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...keys) },
    { weight: 1, arbitrary: fc.constant(narrow) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("lk_live_abc", "lk_test_" + "A".repeat(40), "sk_live_" + "a".repeat(32), "x".repeat(10_000), "lk_live_" + "0".repeat(38), " "),
    },
  );
  const headers = fc
    .record(
      {
        "x-api-key": apiKey,
        authorization: fc.constantFrom(
          "Bearer junk",
          `Bearer ${"t".repeat(1_000)}`,
          "Basic !!!",
          `Basic ${Buffer.from("lkci_x:lkcs_y").toString("base64")}`,
          "Digest x",
        ),
        "content-type": fc.constantFrom(
          "application/json",
          "application/json; charset=latin1",
          "application/x-www-form-urlencoded",
          "text/plain",
          "multipart/form-data; boundary=x",
          "application/xml",
        ),
        "idempotency-key": fc.oneof(fc.uuid(), fc.constantFrom("", "k".repeat(300), "fuzz-fixed")),
        "x-forwarded-for": fc.constantFrom("203.0.113.9", "1.1.1.1, 2.2.2.2", "not an ip", "::1"),
        "x-latchkey-client-ip": fc.constantFrom("203.0.113.77", "garbage"),
        "x-request-id": fc.constantFrom("not-a-uuid", "00000000-0000-0000-0000-000000000000"),
        accept: fc.constantFrom("text/html", "*/*", "application/xml"),
        host: fc.constantFrom("evil.example", "localhost:1", "[::1]", "a b"),
      },
      { requiredKeys: [] },
    )
    .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>);

  const arbitrary = fc
    .record({
      target: fc.oneof({ weight: 4, arbitrary: knownPath }, { weight: 1, arbitrary: unknownPath }),
      rightMethod: fc.boolean(),
      otherMethod: method,
      headers,
      body,
      source: fc.integer({ min: 10, max: 250 }),
    })
    .map(
      ({ target, rightMethod, otherMethod, headers, body, source }): Sent => ({
        method: rightMethod ? target.method : otherMethod,
        path: target.path,
        headers,
        body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body),
        // Many clients: each from its own loopback address, so the per-address limit is theirs alone.
        localAddress: `127.0.0.${source}`,
      }),
    );

  // Unbiased: every endpoint, header and body shape drawn alike (fast-check favours the first by default).
  const requests = fc.sample(fc.noBias(arbitrary), { seed: SEED, numRuns: RUNS });
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let answered = 0;
  const describe = (r: Sent) => `${r.method} ${r.path.slice(0, 120)} [${Object.keys(r.headers).join(",")}] body=${r.body?.length ?? "none"}`;

  // Eight at a time, as a handful of busy clients would.
  for (let i = 0; i < requests.length; i += 8) {
    const batch = requests.slice(i, i + 8);
    const answers = await Promise.all(batch.map((r) => send(port, r)));
    // biome-ignore lint/suspicious/useIterableCallbackReturn: each early return ends one answer's checks
    batch.forEach((request, j) => {
      const answer = answers[j]!;
      if (answer === "no answer") return void failures.push(`no answer within 2 s: ${describe(request)}`);
      if (answer instanceof Error) {
        // The client refused to send it (an invalid header for Node's client): nothing reached the server.
        if ((answer as NodeJS.ErrnoException).code === "ERR_INVALID_CHAR" || (answer as NodeJS.ErrnoException).code === "ERR_UNESCAPED_CHARACTERS") return;
        return void failures.push(`connection failed (${(answer as NodeJS.ErrnoException).code ?? answer.message}): ${describe(request)}`);
      }
      answered++;
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (process.env.FUZZ_TRACE === String(answer.status))
        console.log(`${answer.status} ${describe(request)} ${JSON.stringify(request.headers).slice(0, 300)} → ${answer.body.toString("utf8").slice(0, 160)}`);
      if (answer.status >= 500) failures.push(`${answer.status}: ${describe(request)} → ${answer.body.toString("utf8").slice(0, 200)}`);
      if (answer.headers["x-content-type-options"] !== "nosniff") failures.push(`no nosniff (${answer.status}): ${describe(request)}`);
      if (answer.status >= 400 && request.method !== "HEAD") {
        let parsed: { error?: { code?: unknown; message?: unknown } } | null = null;
        try {
          parsed = JSON.parse(answer.body.toString("utf8"));
        } catch {
          parsed = null;
        }
        // The token endpoint answers as RFC 6749 §5.2 requires ({"error","error_description"}), which OAuth clients parse.
        const oauth =
          request.path.split("?")[0] === "/api/oauth2/token" &&
          typeof parsed?.error === "string" &&
          typeof (parsed as { error_description?: unknown }).error_description === "string";
        const shaped = typeof parsed?.error?.code === "string" && typeof parsed.error.message === "string";
        if (!String(answer.headers["content-type"]).startsWith("application/json") || !(shaped || oauth)) {
          failures.push(
            `${answer.status} not the JSON error shape (${answer.headers["content-type"]}): ${describe(request)} → ${answer.body.toString("utf8").slice(0, 120)}`,
          );
        }
      }
      if (answer.status === 405 && !answer.headers["allow"]) failures.push(`405 without Allow: ${describe(request)}`);
    });
  }

  console.log(
    `fuzz seed ${SEED}: ${answered} of ${requests.length} answered; statuses ${[...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(" ")}`,
  );
  expect(failures.slice(0, 25), `${failures.length} failures`).toEqual([]);
  expect(answered).toBeGreaterThanOrEqual(1_000);
  // A spread of answers, not one refusal repeated: handlers ran, refusals of each kind came back.
  for (const status of [200, 401, 403, 404, 405, 413, 422]) expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);

  // And the server is still well.
  const after = await fetch(`${baseURL}/api/v1/accounts`, { headers: { "x-api-key": keys[1]! } });
  expect([200, 429]).toContain(after.status);
});
