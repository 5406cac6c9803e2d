import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { seedDemoData } from "@/lib/demo/seed";
import { addWebhookEndpointSchema, WEBHOOK_ENDPOINTS_MAX, webhookEndpointForm } from "@/lib/schemas/webhooks";
import { addWebhookEndpoint } from "@/lib/webhooks/add-webhook-endpoint";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/event-types";
import { actorFor, context, db } from "@/lib/test/helpers";
import { pinOf } from "@/lib/test/keys";
import { webhookTestEnv } from "@/lib/test/webhooks";
import { refusal } from "@/lib/test/outcomes";
import { NALEDI, PUBLIC_URL, withWebhookTestEnv, webhookTablesSnapshot } from "./support";

withWebhookTestEnv();

beforeAll(async () => {
  await seedDemoData(db());
});
let restoreEnv: () => void = () => {};
afterEach(() => {
  restoreEnv();
});

const valid = { url: PUBLIC_URL, eventTypes: ["key.created"], description: "SIEM" };

/** What the command answers for this input from Acme's Superadmin with the right PIN: its code and fields, having changed nothing. */
async function refused(input: Record<string, unknown>) {
  const before = await webhookTablesSnapshot();
  const answer = await refusal(addWebhookEndpoint(db(), await actorFor(NALEDI), { ...input, pin: pinOf(NALEDI) }, context));
  expect(await webhookTablesSnapshot()).toBe(before);
  return answer;
}

describe("the endpoint form refuses hostile input with the field named", () => {
  it.each([
    ["NUL in the URL", { ...valid, url: `${PUBLIC_URL}\u0000` }, "url"],
    ["a control character in the URL", { ...valid, url: `https://93.184.215.14/\u001bhooks` }, "url"],
    ["a 10,000-character URL", { ...valid, url: `https://93.184.215.14/${"a".repeat(10_000)}` }, "url"],
    ["ftp://", { ...valid, url: "ftp://93.184.215.14/hooks" }, "url"],
    ["javascript:", { ...valid, url: "javascript:alert(1)" }, "url"],
    ["no scheme", { ...valid, url: "hooks.example.com/in" }, "url"],
    ["an empty URL", { ...valid, url: "   " }, "url"],
    ["a number for the URL", { ...valid, url: 42 }, "url"],
    ["an object for the URL", { ...valid, url: { href: PUBLIC_URL } }, "url"],
    ["no event types", { ...valid, eventTypes: [] }, "eventTypes"],
    ["an unknown event type", { ...valid, eventTypes: ["key.created", "key.exploded"] }, "eventTypes"],
    ["the test event as a subscription", { ...valid, eventTypes: ["webhook.test"] }, "eventTypes"],
    ["a string for the event types", { ...valid, eventTypes: "key.created" }, "eventTypes"],
    ["a number in the event types", { ...valid, eventTypes: [7] }, "eventTypes"],
    ["a huge event list", { ...valid, eventTypes: Array(10_000).fill("key.created") }, "eventTypes"],
    ["NUL in the description", { ...valid, description: "Splunk\u0000" }, "description"],
    ["a line feed in the description", { ...valid, description: "one\ntwo" }, "description"],
    ["a 201-character description", { ...valid, description: "d".repeat(201) }, "description"],
    ["a number for the description", { ...valid, description: 12 }, "description"],
  ])("%s", async (_, input, field) => {
    const answer = await refused(input);
    expect(answer.code).toBe("invalid_request");
    expect(Object.keys(answer.fields)).toContain(field);
    expect((answer.fields as Record<string, string>)[field]).toMatch(/\w/);
  });

  it("refuses a missing URL and unknown fields", async () => {
    expect((await refused({ eventTypes: ["key.created"] })).fields).toMatchObject({ url: "Enter the endpoint's URL" });
    expect((await refused({ ...valid, secret: "whsec_mine" })).code).toBe("invalid_request");
  });
});

describe("the destination check (SSRF)", () => {
  it.each([
    "http://93.184.215.14/hooks",
    "https://127.0.0.1/hooks",
    "https://10.0.0.1/hooks",
    "https://169.254.169.254/latest/meta-data",
    "https://192.168.1.10/hooks",
    "https://[::1]/hooks",
    "https://[::ffff:127.0.0.1]/hooks",
    "https://localhost/hooks",
  ])("refuses %s without LATCHKEY_WEBHOOKS_ALLOW_PRIVATE, naming the url", async (url) => {
    restoreEnv = webhookTestEnv({ allowPrivate: false });
    const answer = await refused({ ...valid, url });
    expect(answer.code).toBe("invalid_request");
    expect(Object.keys(answer.fields)).toEqual(["url"]);
  });

  it("allows http:// and loopback with LATCHKEY_WEBHOOKS_ALLOW_PRIVATE=1 (tests and the demo)", async () => {
    restoreEnv = webhookTestEnv({ allowPrivate: true });
    const added = await addWebhookEndpoint(db(), await actorFor(NALEDI), { ...valid, url: "http://127.0.0.1:4999/in", pin: pinOf(NALEDI) }, context);
    expect(added.url).toBe("http://127.0.0.1:4999/in");
  });
});

describe("the form's schema (checked in the browser too)", () => {
  it("never throws and always answers with known fields, whatever it is given", () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (url, eventTypes, description) => {
        const result = webhookEndpointForm.safeParse({ url, eventTypes, description });
        if (!result.success) for (const issue of result.error.issues) expect(["url", "eventTypes", "description"]).toContain(String(issue.path[0]));
      }),
      { numRuns: 300 },
    );
  });

  it("accepts any subset of the event types, deduplicated in the list's order", () => {
    fc.assert(
      fc.property(fc.subarray([...WEBHOOK_EVENT_TYPES], { minLength: 1 }), (types) => {
        const shuffled = [...types].reverse().concat(types);
        const result = addWebhookEndpointSchema.safeParse({ url: PUBLIC_URL, eventTypes: shuffled, description: "" });
        expect(result.success && result.data.eventTypes).toEqual(types);
      }),
    );
  });

  it("refuses any description with a control character inside it (at the ends, trimming takes white space away)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), fc.integer({ min: 0, max: 31 }), fc.string({ maxLength: 50 }), (a, code, b) => {
        const result = webhookEndpointForm.safeParse({ ...valid, description: `${a}x${String.fromCharCode(code)}y${b}` });
        expect(result.success).toBe(false);
      }),
    );
  });

  it(`holds the limit at ${WEBHOOK_ENDPOINTS_MAX}`, () => {
    expect(WEBHOOK_ENDPOINTS_MAX).toBe(10);
  });
});
