import { describe, expect, it } from "vitest";
import { checkServerActionBody, validActionId } from "@/lib/http/server-action-body";

function text(contentType: string | null, body: string) {
  return checkServerActionBody(contentType, {
    text: async () => body,
    formData: async () => new Response(body, { headers: { "content-type": contentType ?? "" } }).formData(),
  });
}

async function multipart(fields: [string, string | Blob][]) {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  const request = new Request("http://localhost/", { method: "POST", body: form });
  const contentType = request.headers.get("content-type");
  const body = await request.arrayBuffer();
  return checkServerActionBody(contentType, {
    text: async () => new TextDecoder().decode(body),
    formData: () => new Response(body, { headers: { "content-type": contentType ?? "" } }).formData(),
  });
}

describe("a server action's body", () => {
  it.each([
    ['[{"pin":"482915"}]'],
    ["[]"],
    ['["$undefined",1,"$NaN","$Infinity","$-Infinity","$-0","$D2027-02-22T12:03:00.000Z","$n123456789012345678901234567890"]'],
    ['["$$ a dollar the user typed", {"nested": ["$$"]}]'],
    ['[{"a":{"b":1}},"$0:0:a"]'],
    ['[[1,2],"$0:0","$0"]'],
    ['["$T"]'],
  ])("accepts what the React client sends as text: %s", async (body) => {
    expect(await text("text/plain;charset=UTF-8", body)).toEqual({ ok: true });
  });

  it("accepts a form submitted as FormData, and parts that refer to each other", async () => {
    expect(
      await multipart([
        ["0", '["$K1"]'],
        ["1_pin", "482915"],
        ["1_$ACTION_ID_40ab", ""],
      ]),
    ).toEqual({ ok: true });
    expect(await multipart([["0", '["$K1"]']])).toEqual({ ok: true });
    expect(
      await multipart([
        ["0", '["$1","$@2","$B3"]'],
        ["1", '{"a":"$undefined"}'],
        ["2", '"resolved"'],
        ["3", new Blob(["bytes"])],
      ]),
    ).toEqual({ ok: true });
  });

  it.each([
    ["text/plain;charset=UTF-8", "garbage{", /not valid JSON/],
    ["text/plain", "", /empty/],
    ["text/plain", '{"a":1}', /list of the action's arguments/],
    ["text/plain", '"$K1"', /list of the action's arguments/],
    ["text/plain", '["$Q1"]', /part it does not contain/],
    ["text/plain", '["$@99"]', /part it does not contain/],
    ["text/plain", '["$1"]', /part it does not contain/],
    ["text/plain", '["$"]', /part it does not contain/],
    ["text/plain", '["$n12x"]', /part it does not contain/],
    ["text/plain", `["$n${"9".repeat(301)}"]`, /part it does not contain/],
    ["text/plain", '["\u0000"]', /not valid JSON/],
    ["text/plain", '["text","$0:a:b"]', /part it does not contain/],
    ["text/plain", '[{"email":"$0:90"}]', /part it does not contain/],
    ["text/plain", '[{"a":"text"},"$0:0:a"]', /part it does not contain/],
    ["text/plain", '[{},"$0:0:__proto__"]', /part it does not contain/],
    ["text/plain", `[[${"1,".repeat(2000)}1],${'"$0:0",'.repeat(200)}1]`, /too large to decode/],
    ["text/plain", `${"[".repeat(100)}${"]".repeat(100)}`, /nested too deeply/],
    ["application/json", "[]", /text\/plain or multipart/],
    ["application/x-www-form-urlencoded", "a=1", /text\/plain or multipart/],
    ["application/octet-stream", "\u0000\u0001", /text\/plain or multipart/],
    [null, "[]", /text\/plain or multipart/],
    ["multipart/form-data", "garbage", /boundary/],
    ["multipart/form-data; boundary=XYZ", "garbage", /cannot be read/],
  ])("refuses %s %j", async (contentType, body, reason) => {
    const verdict = await text(contentType, body);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(reason);
  });

  it("refuses multipart bodies whose parts are missing or not JSON", async () => {
    expect(await multipart([["1", "[]"]])).toMatchObject({ ok: false, reason: /no arguments part/ });
    expect(await multipart([["0", "garbage"]])).toMatchObject({ ok: false, reason: /not valid JSON/ });
    expect(await multipart([["0", '["$1"]']])).toMatchObject({ ok: false, reason: /part it does not contain/ });
    expect(
      await multipart([
        ["0", '["$1"]'],
        ["1", "not json"],
      ]),
    ).toMatchObject({ ok: false, reason: /not valid JSON/ });
    expect(
      await multipart([
        ["0", '["$1"]'],
        ["1", '["$5"]'],
      ]),
    ).toMatchObject({ ok: false, reason: /part it does not contain/ });
    expect(await multipart([["0", new Blob(["[]"])]])).toMatchObject({ ok: false, reason: /no arguments part/ });
  });

  it("names an action only by a hexadecimal id", () => {
    expect(validActionId("605cd62036aff571265151323d5580d80111503f71")).toBe(true);
    for (const id of [null, "", "../../x", "60 5c", "x".repeat(10), "a".repeat(200), "605c\u0000"]) expect(validActionId(id)).toBe(false);
  });
});
