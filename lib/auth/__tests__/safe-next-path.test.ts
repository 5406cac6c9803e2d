import { describe, expect, it } from "vitest";
import { safeNextPath } from "../safe-next-path";

describe("the path after sign-in", () => {
  it("keeps a path of the portal, with its query and fragment", () => {
    expect(safeNextPath("/keys")).toBe("/keys");
    expect(safeNextPath("/keys?status=expiring&q=ERP%20sync#top")).toBe("/keys?status=expiring&q=ERP%20sync#top");
    expect(safeNextPath("/audit?from=01%2F11%2F2026")).toBe("/audit?from=01%2F11%2F2026");
  });

  it.each([
    ["a tab that a browser strips", "/%09/evil.example"],
    ["a raw tab", "/\t/evil.example"],
    ["a carriage return and line feed", "/keys\r\nSet-Cookie: x=1"],
    ["an encoded CR/LF", "/keys%0d%0aLocation:%20https://evil.example"],
    ["a protocol-relative URL", "//evil.example"],
    ["a backslash", "/\\evil.example"],
    ["an encoded backslash", "/%5Cevil.example"],
    ["an encoded slash after the first", "/%2Fevil.example"],
    ["an absolute URL", "https://evil.example/keys"],
    ["a scheme", "javascript:alert(1)"],
    ["a NUL", "/keys\u0000"],
    ["bad percent-encoding", "/keys%zz"],
    ["not a string", ["/keys"]],
    ["nothing", undefined],
    ["a relative path", "keys"],
    ["a huge value", `/${"a".repeat(5_000)}`],
  ])("sends %s to /", (_, next) => {
    expect(safeNextPath(next)).toBe("/");
  });
});
