import { test, type APIRequestContext } from "@playwright/test";
import { expect, fixtures, pin, screenshot, signIn } from "./support/fixtures";

/**
 * Runs a curl sample as shown on the page: method, URL and body, with the real key in the header.
 * A sample that asks for a certificate's id (CERTIFICATE_ID) gets one from the list first, as its
 * comment tells the reader to.
 */
async function runSample(request: APIRequestContext, sample: string, key: string) {
  const url = /curl (?:-X (\w+) )?"([^"]+)"/.exec(sample)!;
  const body = /-d '(.+)'$/m.exec(sample)?.[1];
  const headers: Record<string, string> = { "x-api-key": key };
  if (body) headers["content-type"] = "application/json";
  if (sample.includes("Idempotency-Key")) headers["idempotency-key"] = crypto.randomUUID();
  let target = url[2]!;
  if (target.endsWith("/CERTIFICATE_ID")) {
    const list = await (await request.get(target.replace(/\/CERTIFICATE_ID$/, ""), { headers })).json();
    target = target.replace("CERTIFICATE_ID", list.taxCertificates[0].id);
  }
  return request.fetch(target, { method: url[1] ?? "GET", headers, data: body });
}

test.describe("the bank API over HTTP", () => {
  test("every endpoint answers with its permission and refuses without it", async ({ request }) => {
    const { keys } = fixtures();
    const zar = keys["only accounts:view"]!.accountId;
    const cards = await (await request.get("/api/v1/cards", { headers: { "x-api-key": keys["only card_code:view"]!.key } })).json();
    const card = cards.cards[0].id as string;
    const accountsList = await (await request.get("/api/v1/accounts", { headers: { "x-api-key": keys["only accounts:view"]!.key } })).json();
    const usd = accountsList.accounts.find((a: { currency: string }) => a.currency === "USD").id as string;
    const calls: Record<string, { method: string; path: string; data?: unknown; ok: number }> = {
      "accounts:view": { method: "GET", path: "/api/v1/accounts", ok: 200 },
      "balances:view": { method: "GET", path: `/api/v1/accounts/${zar}/balance`, ok: 200 },
      "transactions:view": { method: "GET", path: `/api/v1/accounts/${zar}/transactions?page=2`, ok: 200 },
      "statements:view": { method: "GET", path: `/api/v1/accounts/${zar}/statements`, ok: 200 },
      "tax_certificates:view": { method: "GET", path: `/api/v1/accounts/${zar}/tax-certificates`, ok: 200 },
      // ZAR to USD is refused for its currencies — after the permission check passed.
      "transfers:edit": { method: "POST", path: `/api/v1/accounts/${zar}/transfers`, data: { toAccountId: usd, amount: 100, reference: "matrix" }, ok: 422 },
      "payments:view": { method: "GET", path: `/api/v1/accounts/${zar}/payments`, ok: 200 },
      "payments:edit": {
        method: "POST",
        path: `/api/v1/accounts/${zar}/payments`,
        data: { beneficiaryName: "Matrix Test", accountNumber: "1234567890", bankCode: "250655", amount: 100, reference: "matrix" },
        ok: 201,
      },
      "card_code:view": { method: "GET", path: `/api/v1/cards/${card}/code`, ok: 200 },
      "card_code:edit": { method: "PUT", path: `/api/v1/cards/${card}/code`, data: { code: "// matrix" }, ok: 200 },
    };
    for (const [permission, call] of Object.entries(calls)) {
      const send = (key: string) => request.fetch(call.path, { method: call.method, headers: { "x-api-key": key }, data: call.data });
      const granted = await send(keys[`only ${permission}`]!.key);
      expect(granted.status(), `${permission} granted`).toBe(call.ok);
      const refused = await send(keys[`without ${permission}`]!.key);
      expect(refused.status(), `${permission} missing`).toBe(403);
      expect((await refused.json()).error.code).toBe("insufficient_permission");
    }
  });

  test("a key created in the browser wizard works exactly as its page's samples show, until it is deleted", async ({ page, request }) => {
    await signIn(page, "naledi@acme.example");
    await expect(page).toHaveURL(/\/keys$/);
    await page.goto("/keys/new");
    await page.getByLabel("Alias").fill("Samples check");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByLabel("Acme Retail (Pty) Ltd").check();
    await page.getByRole("checkbox", { name: /Acme Retail ZAR operating/ }).check();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("radiogroup", { name: "Preset for all products" }).getByRole("radio", { name: "Read-only" }).click();
    await page.getByRole("checkbox", { name: "Edit payments" }).check();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByRole("dialog").getByLabel("Your 6-digit PIN").fill(pin("naledi@acme.example"));
    const secret = (await page.getByTestId("new-secret").textContent())!.trim();
    await page.getByLabel("I have stored this key somewhere safe").check();
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("heading", { name: "Samples check", level: 1 })).toBeVisible();

    const samples = page.locator("pre[data-testid^='sample-']");
    // Read-only gives every view grant (tax certificates' list and PDF among them) plus Edit payments.
    await expect(samples).toHaveCount(10);
    for (const text of await samples.allTextContents()) {
      expect(text).toContain(secret.slice(0, 12));
      expect(text).not.toContain(secret.slice(12));
      const response = await runSample(request, text, secret);
      expect(response.status(), text).toBeLessThan(300);
      // The samples that save a file (curl -o) get the PDF; every other one JSON.
      expect(response.headers()["content-type"]).toContain(/ -o \S+\.pdf$/m.test(text) ? "application/pdf" : "application/json");
    }
    // The PDF sample on the key's page, with the key's own account filled in.
    const pdfSample = page.locator("details", {
      has: page.locator("summary code").getByText("/api/v1/accounts/{id}/tax-certificates/{certId}", { exact: true }),
    });
    await pdfSample.locator("summary").click();
    await expect(pdfSample.locator("pre[data-testid^='sample-']")).toContainText(/\/api\/v1\/accounts\/[0-9a-f-]{36}\/tax-certificates\/CERTIFICATE_ID/);
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      await pdfSample.scrollIntoViewIfNeeded();
      await screenshot(page, `key-samples-tax-certificates-${width}`);
    }
    await page.setViewportSize({ width: 1360, height: 860 });
    const accounts = await (await request.get("/api/v1/accounts", { headers: { "x-api-key": secret } })).json();
    expect(accounts.accounts.map((a: { name: string }) => a.name)).toEqual(["Acme Retail ZAR operating"]);

    // Deleted mid-session: the very next call fails.
    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByLabel("Type “Samples check” to confirm").fill("Samples check");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("dialog", { name: "Delete “Samples check”" }).getByLabel("Your 6-digit PIN").fill(pin("naledi@acme.example"));
    await expect(page).toHaveURL(/\/keys$/);
    const after = await request.get("/api/v1/accounts", { headers: { "x-api-key": secret } });
    expect([after.status(), (await after.json()).error.code]).toEqual([401, "invalid_key"]);
  });

  test("a tax certificate downloads as a PDF through the server, and only for the key's own account", async ({ request }) => {
    const { keys } = fixtures();
    const { key, accountId } = keys["only tax_certificates:view"]!;
    const listed = await request.get(`/api/v1/accounts/${accountId}/tax-certificates`, { headers: { "x-api-key": key } });
    expect(listed.status()).toBe(200);
    const { taxCertificates } = await listed.json();
    expect(taxCertificates).toHaveLength(2);
    expect(taxCertificates[0]).toMatchObject({ taxYear: expect.stringMatching(/^\d{4}$/), kind: "interest", currency: "ZAR" });
    const cert = taxCertificates[0] as { id: string; taxYear: string; interestEarned: number };

    const pdf = await request.get(`/api/v1/accounts/${accountId}/tax-certificates/${cert.id}`, { headers: { "x-api-key": key } });
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect(pdf.headers()["content-disposition"]).toMatch(new RegExp(`^attachment; filename="latchkey-tax-certificate-\\d+-${cert.taxYear}\\.pdf"$`));
    const bytes = await pdf.body();
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(bytes.length).toBeGreaterThan(1000);

    // A made-up certificate id and hostile ones: JSON 404s, never a 500 (other organisations: see the unit tests).
    for (const certId of ["00000000-0000-4000-8000-000000000000", "not-a-certificate", "%00".repeat(10)]) {
      const missing = await request.get(`/api/v1/accounts/${accountId}/tax-certificates/${certId}`, { headers: { "x-api-key": key } });
      expect(missing.status(), certId).toBe(404);
      expect((await missing.json()).error.code).toBe("not_found");
    }
    const refused = await request.get(`/api/v1/accounts/${accountId}/tax-certificates/${cert.id}`, {
      headers: { "x-api-key": keys["without tax_certificates:view"]!.key },
    });
    expect([refused.status(), (await refused.json()).error.code]).toEqual([403, "insufficient_permission"]);
  });

  test("the API docs page shows the tax certificate endpoints, the PDF one with a sample that saves the file", async ({ page }) => {
    await signIn(page, "naledi@acme.example");
    await expect(page).toHaveURL(/\/keys$/);
    await page.goto("/docs");
    const endpoint = (path: string) => page.locator("details", { has: page.locator("summary code").getByText(path, { exact: true }) });
    const list = endpoint("/api/v1/accounts/{id}/tax-certificates");
    const pdf = endpoint("/api/v1/accounts/{id}/tax-certificates/{certId}");
    await expect(list.locator("summary")).toContainText("tax_certificates:view");
    await expect(pdf.locator("summary")).toContainText("One tax certificate as a PDF to download");
    await pdf.locator("summary").click();
    await expect(pdf.getByText(/curl "http:\/\/[^"]+\/api\/v1\/accounts\/ACCOUNT_ID\/tax-certificates\/CERTIFICATE_ID"/)).toBeVisible();
    await expect(pdf.getByText(/-o tax-certificate\.pdf/)).toBeVisible();
    await expect(pdf.getByText(/content-type: application\/pdf/)).toBeVisible();
    await list.locator("summary").click();
    await expect(list.getByText(/"taxYear": "\d{4}"/).first()).toBeVisible();
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      await pdf.scrollIntoViewIfNeeded();
      await screenshot(page, `docs-tax-certificates-${width}`);
    }
  });

  test("client credentials give a bearer token that carries the key's permissions", async ({ request }) => {
    const { applications, keys } = fixtures();
    const erp = applications.find((a) => a.name === "ERP integration")!;
    const basic = (secret: string) => `Basic ${Buffer.from(`${erp.clientId}:${secret}`).toString("base64")}`;
    const tokenResponse = await request.post("/api/oauth2/token", {
      headers: { authorization: basic(erp.clientSecret), "x-api-key": keys.token.key, "content-type": "application/x-www-form-urlencoded" },
      data: "grant_type=client_credentials",
    });
    expect(tokenResponse.status()).toBe(200);
    const token = await tokenResponse.json();
    expect(token).toMatchObject({ token_type: "Bearer", expires_in: 1800, scope: "accounts:view balances:view" });
    const balance = await request.get(`/api/v1/accounts/${keys.token.accountId}/balance`, { headers: { authorization: `Bearer ${token.access_token}` } });
    expect(balance.status()).toBe(200);
    expect(await balance.json()).toMatchObject({ accountId: keys.token.accountId, currency: "ZAR" });
    const transactions = await request.get(`/api/v1/accounts/${keys.token.accountId}/transactions`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    expect((await transactions.json()).error.code).toBe("insufficient_permission");

    const wrong = await request.post("/api/oauth2/token", {
      headers: { authorization: basic("wrong-secret"), "x-api-key": keys.token.key, "content-type": "application/x-www-form-urlencoded" },
      data: "grant_type=client_credentials",
    });
    expect([wrong.status(), (await wrong.json()).error]).toEqual([401, "invalid_client"]);
  });

  test("a burst past the per-key limit gets 429 with Retry-After", async ({ request }) => {
    const { keys } = fixtures();
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let wave = 0; wave < 8 && !retryAfter; wave++) {
      const responses = await Promise.all(Array.from({ length: 50 }, () => request.get("/api/v1/accounts", { headers: { "x-api-key": keys.burst.key } })));
      for (const r of responses) {
        statuses.push(r.status());
        if (r.status() === 429) retryAfter = r.headers()["retry-after"];
      }
    }
    expect(statuses.filter((s) => s === 200).length).toBe(300);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // Another key is not affected.
    expect((await request.get("/api/v1/accounts", { headers: { "x-api-key": keys.midSession.key } })).status()).toBe(200);
  });

  test("a key's IP allowlist is checked against the address the server sees, never a forwarded header", async ({ request }) => {
    const { keys } = fixtures();
    const outside = keys["allow ten"]!.key;
    const refused = await request.get("/api/v1/accounts", { headers: { "x-api-key": outside } });
    expect(refused.status()).toBe(403);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("ip_not_allowed");
    // It names the address it saw: this machine's loopback, whichever family the connection used.
    expect(body.error.message).toMatch(/calls from (127\.0\.0\.1|::1)\./);
    // No proxy is trusted here, so no header a caller sets moves it into 10.0.0.0/8.
    const forgeries: Record<string, string>[] = [
      { "x-forwarded-for": "10.1.2.3" },
      { "x-real-ip": "10.1.2.3" },
      { "x-latchkey-client-ip": "10.1.2.3" },
      { forwarded: "for=10.1.2.3" },
    ];
    for (const forged of forgeries) {
      const again = await request.get("/api/v1/accounts", { headers: { "x-api-key": outside, ...forged } });
      expect(again.status(), JSON.stringify(forged)).toBe(403);
    }
    const inside = await request.get("/api/v1/accounts", { headers: { "x-api-key": keys["allow loopback"]!.key } });
    expect(inside.status()).toBe(200);
  });

  test("50 simultaneous transfers at a key's daily limit: exactly as many pass as fit, the rest get 403 limit_exceeded", async ({ request }) => {
    const limited = fixtures().keys.limited as { key: string; accountId: string; toAccountId: string };
    const headers = { "x-api-key": limited.key };
    const send = (amount: number) =>
      request.post(`/api/v1/accounts/${limited.accountId}/transfers`, { headers, data: { toAccountId: limited.toAccountId, amount, reference: "Limit race" } });
    // R 100,00 a day: R 90,00 first, then fifty of R 3,00 at once — three fit.
    expect((await send(9_000)).status()).toBe(201);
    const answers = await Promise.all(Array.from({ length: 50 }, () => send(300)));
    const statuses = answers.map((a) => a.status());
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 403)).toHaveLength(47);
    const refusal = (await answers.find((a) => a.status() === 403)!.json()) as { error: { code: string; message: string } };
    expect(refusal.error.code).toBe("limit_exceeded");
    expect(refusal.error.message).toMatch(/R\s?1,00 left today/);
  });

  test("malformed and missing keys are 401, the permission is checked before the input, and the API describes itself", async ({ request }) => {
    const { keys } = fixtures();
    const malformed = await request.get("/api/v1/accounts", { headers: { "x-api-key": "lk_live_thisisnotakeyatall" } });
    expect([malformed.status(), (await malformed.json()).error.code]).toEqual([401, "invalid_key"]);
    const missing = await request.get("/api/v1/accounts");
    expect((await missing.json()).error.code).toBe("missing_key");
    const badQuery = await request.get(`/api/v1/accounts/${keys.midSession.accountId}/transactions?from=last-week`, {
      headers: { "x-api-key": keys.token.key },
    });
    expect(badQuery.status()).toBe(403); // the permission is checked before the query
    const doc = await (await request.get("/api/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/api/v1/accounts/{id}/transfers");
  });
});
