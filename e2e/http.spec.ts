import { expect, test } from "@playwright/test";
import { fixtures, signIn } from "./support/fixtures";

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

  test("every answer under /api/ is the API's JSON, at once: unknown paths, wrong methods, odd segments", async ({ request }) => {
    const key = fixtures().keys["only balances:view"]!;
    const cases: [string, string, number, string][] = [
      ["POST", `/api/v1/accounts/${key.accountId}/balance`, 405, "method_not_allowed"],
      ["DELETE", "/api/v1/cards", 405, "method_not_allowed"],
      ["PATCH", "/api/oauth2/token", 405, "method_not_allowed"],
      ["POST", `/api/v1/${"a".repeat(72)}`, 404, "not_found"],
      ["GET", "/api/v1/nope", 404, "not_found"],
      ["GET", "/api/unknown", 404, "not_found"],
      ["GET", "/api", 404, "not_found"],
    ];
    for (const [method, path, status, code] of cases) {
      const response = await request.fetch(path, { method, headers: { "x-api-key": key.key }, data: method === "GET" ? undefined : "{}", timeout: 2_000 });
      expect([method, path, response.status()]).toEqual([method, path, status]);
      expect(response.headers()["content-type"]).toContain("application/json");
      expect(response.headers()["x-content-type-options"]).toBe("nosniff");
      const body = await response.json();
      expect(body.error.code).toBe(code);
      if (status === 405) expect(response.headers()["allow"]).toMatch(/^(GET|POST)/);
    }
    const balance = await request.fetch(`/api/v1/accounts/${key.accountId}/balance`, { method: "POST", headers: { "x-api-key": key.key } });
    expect(balance.headers()["allow"]).toBe("GET, HEAD, OPTIONS");
    const tooLarge = await request.post(`/api/v1/accounts/${key.accountId}/transfers`, {
      headers: { "x-api-key": key.key, "content-type": "application/json" },
      data: "x".repeat(1_100_000),
    });
    expect([tooLarge.status(), (await tooLarge.json()).error.code]).toEqual([413, "payload_too_large"]);
  });

  test("a server action posted from another site is refused with 403 and changes nothing", async ({ page }) => {
    await signIn(page, "pieter@acme.example");
    const sidebar = page.getByRole("complementary");
    await expect(sidebar.getByText("Admin · Acme Holdings")).toBeVisible();
    // The real switch-organisation request, stopped before it reaches the server.
    let captured: { headers: Record<string, string>; body: string; url: string } | null = null;
    await page.route("**/*", async (route) => {
      const request = route.request();
      if (request.method() === "POST" && request.headers()["next-action"] && !captured) {
        captured = { headers: request.headers(), body: request.postData() ?? "", url: request.url() };
        await route.abort();
      } else await route.continue();
    });
    await page.getByRole("button", { name: /Switch organisation/ }).click();
    await page.getByRole("menuitem", { name: /Pending Ventures/ }).click();
    await expect.poll(() => captured).not.toBeNull();
    await page.unroute("**/*");
    const { headers, body, url } = captured!;
    const replay = (origin: string | null, extra: Record<string, string> = {}) =>
      page.request.post(url, {
        headers: {
          "next-action": headers["next-action"]!,
          "content-type": headers["content-type"]!,
          accept: "text/x-component",
          ...(origin ? { origin } : {}),
          ...extra,
        },
        data: body,
        maxRedirects: 0,
      });

    for (const [origin, extra] of [
      ["https://evil.example", {}],
      ["null", {}],
      [null, { "sec-fetch-site": "cross-site" }],
    ] as const) {
      const refused = await replay(origin, extra);
      expect(refused.status()).toBe(403);
      expect((await refused.json()).error.code).toBe("cross_site_request");
    }
    await page.reload();
    await expect(sidebar.getByText("Admin · Acme Holdings")).toBeVisible();

    // The same request from the portal's own origin is carried out: the refusal was the origin's alone.
    const accepted = await replay(new URL(page.url()).origin);
    expect(accepted.status()).toBeLessThan(400);
    await page.reload();
    await expect(sidebar.getByText("Admin · Pending Ventures")).toBeVisible();
  });

  test("a forged X-Forwarded-For changes no recorded address: sign-in and the API", async ({ browser, request }) => {
    const forged = { "x-forwarded-for": "203.0.113.77", "x-real-ip": "203.0.113.78", "x-latchkey-client-ip": "203.0.113.79" };
    const context = await browser.newContext({ extraHTTPHeaders: forged });
    const page = await context.newPage();
    await signIn(page, "naledi@acme.example");
    await expect(page).not.toHaveURL(/sign-in/);

    const card = fixtures().keys["only card_code:edit"]!;
    const cards = await request.get("/api/v1/cards", { headers: { "x-api-key": fixtures().keys["only card_code:view"]!.key } });
    const cardId = (await cards.json()).cards[0].id as string;
    const put = await request.put(`/api/v1/cards/${cardId}/code`, { headers: { "x-api-key": card.key, ...forged }, data: { code: "// forged address check" } });
    expect(put.status()).toBe(200);

    for (const action of ["auth.sign_in", "api.card_code_update"]) {
      await page.goto(`/audit?action=${action}`);
      const table = page.getByRole("table");
      await expect(table.getByRole("row").nth(1)).toBeVisible();
      await expect(table.getByRole("row").nth(1)).toContainText(/127\.0\.0\.1|::1/);
      await expect(page.getByText(/203\.0\.113\.7/)).toHaveCount(0);
    }
    await context.close();
  });
});
