import { expect, test } from "@playwright/test";

test.describe("HTTP boundary", () => {
  test("every page is sent with the security headers and a fresh CSP nonce", async ({ request }) => {
    const first = await request.get("/sign-in");
    const second = await request.get("/sign-in");
    expect(first.status()).toBe(200);
    const headers = first.headers();
    const csp = headers["content-security-policy"]!;
    for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "'strict-dynamic'"]) {
      expect(csp).toContain(directive);
    }
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(second.headers()["content-security-policy"]).not.toContain(nonce!);
    expect(await first.text()).toContain(`nonce="${nonce}"`);
    expect(headers["strict-transport-security"]).toContain("max-age=");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["cross-origin-opener-policy"]).toBe("same-origin");
    expect(headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers["x-powered-by"]).toBeUndefined();
  });

  test("a signed-out request gets no member data, whatever internal headers it forges", async ({ request }) => {
    const attempts: Record<string, string>[] = [
      {},
      { "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" },
      { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" },
    ];
    for (const forged of attempts) {
      const response = await request.get("/members", { headers: forged, maxRedirects: 0 });
      expect([302, 303, 307, 308]).toContain(response.status());
      expect(response.headers()["location"]).toContain("/sign-in");
      expect(await response.text()).not.toContain("aisha@acme.example");
    }
  });

  test("a forged session cookie opens nothing", async ({ request }) => {
    const response = await request.get("/members", {
      headers: { cookie: "authjs.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0.forged.forged.forged.forged" },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(307);
    expect(response.headers()["location"]).toContain("/sign-in");
  });
});
