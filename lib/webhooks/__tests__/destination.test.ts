import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkWebhookUrl, refusedAddress, type Resolver } from "@/lib/webhooks/destination";
import { checkedLookup, MAX_RESPONSE_BYTES, sendWebhook } from "@/lib/webhooks/send";
import { allowPrivateWebhooks, startReceiver, webhookTestEnv } from "@/lib/test/webhooks";

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = webhookTestEnv({ allowPrivate: false });
});
afterAll(() => restoreEnv());

const PUBLIC = "93.184.216.34";
const fixed =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

describe("checkWebhookUrl without LATCHKEY_WEBHOOKS_ALLOW_PRIVATE", () => {
  it.each([
    ["https://127.0.0.1/hook", "loopback"],
    ["https://127.1.2.3/hook", "loopback"],
    ["https://10.0.0.1/hook", "private network"],
    ["https://172.16.5.4/hook", "private network"],
    ["https://192.168.1.1/hook", "private network"],
    ["https://169.254.169.254/latest/meta-data", "link-local"],
    ["https://[::1]/hook", "loopback"],
    ["https://[fe80::1]/hook", "link-local"],
    ["https://[fd12:3456::1]/hook", "private network"],
    ["https://[::ffff:127.0.0.1]/hook", "loopback"],
    ["https://[::ffff:a9fe:a9fe]/hook", "link-local"],
    ["https://[::ffff:10.1.2.3]/hook", "private network"],
    ["https://100.64.0.1/hook", "carrier-grade NAT"],
    ["https://0.0.0.0/hook", "unspecified"],
    ["https://224.0.0.1/hook", "multicast"],
    ["https://[::]/hook", "unspecified"],
    ["https://2130706433/hook", "loopback"],
  ])("refuses %s (%s)", async (url, words) => {
    const checked = await checkWebhookUrl(url);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.message).toContain(words);
  });

  it("refuses a name that resolves to loopback (localhost, through the system's resolver)", async () => {
    const checked = await checkWebhookUrl("https://localhost/hook");
    expect(checked).toEqual({ ok: false, message: expect.stringMatching(/localhost resolves to (127\.0\.0\.1|::1)\. That address .* loopback/) });
  });

  it("refuses a name when any of its addresses is private, even if another is public", async () => {
    for (const inner of ["10.0.0.1", "169.254.169.254", "127.0.0.1", "::1"]) {
      const checked = await checkWebhookUrl("https://hooks.example.com/in", { resolve: fixed(PUBLIC, inner) });
      expect(checked.ok, inner).toBe(false);
    }
  });

  it("accepts https to a public address, by name or literally", async () => {
    const byName = await checkWebhookUrl("https://hooks.example.com/in?x=1", { resolve: fixed(PUBLIC, "2606:2800:220:1::1") });
    expect(byName.ok && byName.url.hostname).toBe("hooks.example.com");
    expect((await checkWebhookUrl(`https://${PUBLIC}:8443/in`)).ok).toBe(true);
  });

  it.each([
    ["http://hooks.example.com/in", "https://"],
    ["ftp://hooks.example.com/in", "https://"],
    ["https://user:pass@hooks.example.com/in", "user name or password"],
    ["https://user@hooks.example.com/in", "user name or password"],
    [`https://hooks.example.com/${"a".repeat(2000)}`, "longer than 2,000"],
    ["https://hooks.example.com/in\u0000", "control characters"],
    ["https://hooks.example.com/in\nHost: evil", "control characters"],
    ["https://hooks.example.com/ in", "spaces"],
    ["not a url", "spaces"],
    ["hooks.example.com/in", "not a URL"],
    ["", "Enter the endpoint"],
  ])("refuses %j", async (url, words) => {
    const checked = await checkWebhookUrl(url, { resolve: fixed(PUBLIC) });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.message).toContain(words);
  });

  it("refuses a name that does not resolve", async () => {
    const checked = await checkWebhookUrl("https://nowhere.invalid/in", {
      resolve: async () => {
        throw Object.assign(new Error("ENOTFOUND"), { code: "ENOTFOUND" });
      },
    });
    expect(checked).toEqual({ ok: false, message: "The host name nowhere.invalid does not resolve to an address." });
  });
});

describe("with LATCHKEY_WEBHOOKS_ALLOW_PRIVATE=1", () => {
  let restore: () => void;
  afterEach(() => restore());

  it("allows http and loopback or private addresses, still not unspecified or multicast", async () => {
    restore = allowPrivateWebhooks(true);
    expect((await checkWebhookUrl("http://127.0.0.1:3000/hook")).ok).toBe(true);
    expect((await checkWebhookUrl("https://10.0.0.1/hook")).ok).toBe(true);
    expect((await checkWebhookUrl("http://localhost:3000/hook")).ok).toBe(true);
    expect(refusedAddress("0.0.0.0")).toMatch(/unspecified/);
    expect(refusedAddress("239.1.1.1")).toMatch(/multicast/);
  });
});

describe("sendWebhook checks the address it connects to", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver(() => ({ status: 200, body: "ok" }));
  });
  afterAll(() => receiver.close());

  it("refuses a loopback URL without the flag, and nothing reaches the receiver", async () => {
    const before = receiver.received.length;
    const result = await sendWebhook(receiver.url, {}, "{}");
    expect(result).toMatchObject({ statusCode: null, responseBody: null, error: expect.stringContaining("loopback") });
    const named = await sendWebhook(`http://localhost:${receiver.port}/hooks`, {}, "{}");
    expect(named.error).toMatch(/localhost resolves to .* loopback/);
    expect(receiver.received.length).toBe(before);
  });

  it("DNS rebinding: a name that answered a public address at the check answers loopback at connect time — refused there", async () => {
    let calls = 0;
    const rebinding: Resolver = async () => [{ address: calls++ === 0 ? PUBLIC : "127.0.0.1", family: 4 }];
    const url = `https://rebind.example:${receiver.port}/hooks`;
    const checked = await checkWebhookUrl(url, { resolve: rebinding });
    expect(checked.ok).toBe(true);
    const before = receiver.received.length;
    const result = await sendWebhook(url, {}, "{}", { resolve: rebinding });
    expect(calls).toBe(2);
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/rebind\.example resolves to 127\.0\.0\.1\. That address .* loopback/);
    expect(receiver.received.length).toBe(before);
  });

  it("the socket's lookup checks every answer and hands over only the address it checked", async () => {
    const lookup = checkedLookup(fixed(PUBLIC, "10.0.0.1"));
    const refused = await new Promise<unknown>((resolve) => lookup("mixed.example", {}, (error) => resolve(error)));
    expect(String(refused)).toMatch(/10\.0\.0\.1/);
    const single = await new Promise<unknown[]>((resolve) => lookup("ok.example", {}, (...args) => resolve(args)));
    const ok = checkedLookup(fixed(PUBLIC));
    const one = await new Promise<unknown[]>((resolve) => ok("ok.example", {}, (...args) => resolve(args)));
    expect(one).toEqual([null, PUBLIC, 4]);
    const all = await new Promise<unknown[]>((resolve) => ok("ok.example", { all: true }, (...args) => resolve(args)));
    expect(all).toEqual([null, [{ address: PUBLIC, family: 4 }]]);
    expect(String(single[0])).toMatch(/private network/);
  });

  it("with the flag, a name resolving to loopback is connected to, and the Host header keeps the name", async () => {
    const restore = allowPrivateWebhooks(true);
    try {
      const result = await sendWebhook(`http://receiver.test:${receiver.port}/hooks`, { "webhook-id": "msg_1" }, '{"a":1}', {
        resolve: fixed("127.0.0.1"),
      });
      expect(result).toMatchObject({ statusCode: 200, responseBody: "ok", error: null });
      const last = receiver.received.at(-1)!;
      expect(last.headers.host).toBe(`receiver.test:${receiver.port}`);
      expect(last.body).toBe('{"a":1}');
    } finally {
      restore();
    }
  });
});

describe("sendWebhook's limits (loopback allowed)", () => {
  let restore: () => void;
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    restore = allowPrivateWebhooks(true);
    server = http.createServer((req, res) => {
      if (req.url === "/redirect") {
        res.writeHead(302, { location: "/landed" });
        res.end();
      } else if (req.url === "/landed") {
        res.writeHead(200);
        res.end("landed");
      } else if (req.url === "/slow") {
        // Never answers; the client's timeout ends it.
      } else if (req.url === "/big") {
        res.writeHead(200, { "content-type": "text/plain" });
        // 1 MB in 64 kB writes: the client stops reading after 4 kB.
        const chunk = "x".repeat(65_536);
        let sent = 0;
        const write = () => {
          while (sent < 16) {
            sent += 1;
            if (!res.write(chunk)) return res.once("drain", write);
          }
          res.end();
        };
        write();
      } else if (req.url === "/trickle") {
        res.writeHead(200);
        res.write("a");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    restore();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("does not follow a redirect: a 302 is a failed attempt", async () => {
    const result = await sendWebhook(`${base}/redirect`, {}, "{}");
    expect(result).toMatchObject({ statusCode: 302, error: expect.stringContaining("redirects are not followed") });
  });

  it("gives up after the timeout (a smaller one here than the 10 s default)", async () => {
    const started = Date.now();
    const result = await sendWebhook(`${base}/slow`, {}, "{}", { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result).toMatchObject({ statusCode: null, error: "No complete answer within 0.3 seconds." });
    const trickle = await sendWebhook(`${base}/trickle`, {}, "{}", { timeoutMs: 300 });
    expect(trickle.error).toBe("No complete answer within 0.3 seconds.");
  });

  it("reads at most 4 kB of the response, then stops", async () => {
    const result = await sendWebhook(`${base}/big`, {}, "{}");
    expect(result.statusCode).toBe(200);
    expect(result.error).toBeNull();
    expect(result.responseBody).toBe("x".repeat(MAX_RESPONSE_BYTES));
  });

  it("a refused connection is a failed attempt, with a reason", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await sendWebhook(`http://127.0.0.1:${port}/`, {}, "{}");
    expect(result).toMatchObject({ statusCode: null, error: "The connection was refused." });
  });
});
