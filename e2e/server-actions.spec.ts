import type { Page } from "@playwright/test";
import { expect, test } from "@playwright/test";
import { formAlert, signIn } from "./support/fixtures";

/** The next server-action request the page sends, stopped before it reaches the server. */
async function captureAction(page: Page, trigger: () => Promise<void>) {
  let captured: { headers: Record<string, string>; body: Buffer; url: string } | null = null;
  await page.route("**/*", async (route) => {
    const request = route.request();
    if (request.method() === "POST" && request.headers()["next-action"] && !captured) {
      captured = { headers: request.headers(), body: request.postDataBuffer() ?? Buffer.alloc(0), url: request.url() };
      await route.abort();
    } else await route.continue();
  });
  await trigger();
  await expect.poll(() => captured).not.toBeNull();
  await page.unroute("**/*");
  return captured!;
}

test.describe("server-action requests Next cannot decode", () => {
  test("answer 400 JSON, never 500, and a well-formed action still works", async ({ page, baseURL }) => {
    await page.goto("/sign-in");
    const action = await captureAction(page, async () => {
      await page.getByLabel("Email").fill("nobody-actions@acme.example");
      await page.getByLabel("Password").fill("not the password");
      await page.getByRole("button", { name: "Sign in" }).click();
    });
    expect(action.headers["content-type"]).toMatch(/^text\/plain/);
    const post = (contentType: string | null, body: string | Buffer, extra: Record<string, string> = {}) =>
      page.request.post(action.url, {
        headers: {
          "next-action": action.headers["next-action"]!,
          origin: baseURL!,
          accept: "text/x-component",
          ...(contentType ? { "content-type": contentType } : {}),
          ...extra,
        },
        data: body,
        maxRedirects: 0,
      });

    const malformed: [string, string | null, string | Buffer, Record<string, string>?][] = [
      ["garbage text", "text/plain;charset=UTF-8", "garbage{"],
      ["an empty body", "text/plain;charset=UTF-8", ""],
      ["JSON that is not the argument list", "text/plain;charset=UTF-8", '{"email":"x"}'],
      ["a reference to a missing part", "text/plain;charset=UTF-8", '["$Q1"]'],
      ["a raw NUL in the JSON", "text/plain;charset=UTF-8", '["\u0000"]'],
      ["invalid UTF-8", "text/plain;charset=UTF-8", Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d])],
      ["JSON as application/json", "application/json", "[]"],
      ["a form-encoded body", "application/x-www-form-urlencoded", "email=a&password=b"],
      ["bytes", "application/octet-stream", Buffer.from([0, 1, 2, 3])],
      ["multipart without a boundary", "multipart/form-data", "garbage"],
      ["multipart garbage", "multipart/form-data; boundary=XYZ", "garbage"],
      [
        "multipart without the arguments part",
        "multipart/form-data; boundary=XYZ",
        '--XYZ\r\nContent-Disposition: form-data; name="1"\r\n\r\n[]\r\n--XYZ--\r\n',
      ],
      ["an action id that is not one", "text/plain;charset=UTF-8", "[]", { "next-action": "../../etc/passwd" }],
    ];
    for (const [what, contentType, body, extra] of malformed) {
      const response = await post(contentType, body, extra);
      expect(response.status(), what).toBe(400);
      expect(response.headers()["content-type"], what).toBe("application/json; charset=utf-8");
      expect(response.headers()["x-content-type-options"], what).toBe("nosniff");
      const answer = await response.json();
      expect(answer.error.code, what).toBe("invalid_action_request");
      expect(answer.error.message, what).toMatch(/cannot be read as a server action|does not name an action/);
      expect(answer.error.requestId, what).toMatch(/^[0-9a-f-]{36}$/);
    }
    // 300 generated bodies — tagged strings, dangling references, odd nesting — never get a 5xx.
    let seed = 20261130;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
    const tagged = () =>
      pick(["$", "$$", "$@", "$h", "$Q", "$W", "$K", "$i", "$D", "$n", "$T", "$B", "$0", "$1", "$Z", "$undefined", "$NaN", "$-0", "$0:0", "$0:a:b"]) +
      pick(["", "0", "1", "ff", ":x", ":0", "zz"]);
    const value = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.35) return pick<unknown>([tagged(), "text", 1, -0.5, true, null, "\u0000", "\ud800", "x".repeat(200)]);
      if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, () => [pick(["email", "password", "$0", "__proto__", "a"]), value(depth + 1)]),
      );
    };
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const body = JSON.stringify(random() < 0.85 ? [value(0), value(0)] : value(0));
      const status = (await post("text/plain;charset=UTF-8", body)).status();
      expect(status, body).toBeLessThan(500);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect([...statuses.keys()].sort()).toEqual([200, 400]);

    // A body over the limit is refused before it is read.
    const huge = await post("text/plain;charset=UTF-8", `["${"x".repeat(1024 * 1024)}"]`);
    expect(huge.status()).toBe(413);
    expect((await huge.json()).error.code).toBe("payload_too_large");

    // The captured request itself still reaches the action, which answers as it always did.
    const wellFormed = await post(action.headers["content-type"]!, action.body);
    expect(wellFormed.status()).toBe(200);
    expect(await wellFormed.text()).toContain("The email or password is incorrect.");
    // And in the browser, the form works.
    await signIn(page, "nobody-actions@acme.example", "not the password");
    await expect(formAlert(page)).toContainText("The email or password is incorrect.");
  });

  test("a multipart body (as a form's FormData is sent) is checked the same way, and a well-formed one still works", async ({ page, baseURL }) => {
    await signIn(page, "sipho@acme.example");
    await expect(page).toHaveURL(/\/keys$/);
    const action = await captureAction(page, () => page.getByRole("button", { name: "Sign out" }).click());
    const boundary = "LatchkeyBoundary7MA4YWxkTrZu0gW";
    const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const post = (body: string, contentType = `multipart/form-data; boundary=${boundary}`) =>
      page.request.post(action.url, {
        headers: { "next-action": action.headers["next-action"]!, origin: baseURL!, accept: "text/x-component", "content-type": contentType },
        data: body,
        maxRedirects: 0,
      });

    for (const body of [
      "garbage",
      `${part("0", '["$5"]')}--${boundary}--\r\n`,
      `${part("0", "not json")}--${boundary}--\r\n`,
      `${part("0", '["$1"]')}${part("1", "not json either")}--${boundary}--\r\n`,
      `${part("1", "[]")}--${boundary}--\r\n`,
    ]) {
      const response = await post(body);
      expect(response.status(), body).toBe(400);
      expect((await response.json()).error.code).toBe("invalid_action_request");
    }
    // Still signed in: none of those reached the action.
    await page.goto("/members");
    await expect(page).toHaveURL(/\/members$/);

    // The same call as the button's, sent as multipart: it reaches the action, which signs out.
    const wellFormed = await post(`${part("0", action.body.toString("utf8") || "[]")}--${boundary}--\r\n`);
    expect(wellFormed.status()).toBeLessThan(400);
    await page.goto("/members");
    await expect(page).toHaveURL(/\/sign-in/);
  });
});
