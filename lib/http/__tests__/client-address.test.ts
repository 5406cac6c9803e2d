import { describe, expect, it } from "vitest";
import { clientIp } from "../client-ip";
import { CLIENT_ADDRESS_HEADER, parseTrustedProxies, resolveClientAddress } from "../client-address";

const none = parseTrustedProxies(undefined);
const proxies = parseTrustedProxies("10.0.0.0/8, 192.168.1.7 ::1/128");

describe("the client's address", () => {
  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    expect(resolveClientAddress("198.51.100.20", "203.0.113.9", none)).toBe("198.51.100.20");
    expect(resolveClientAddress("::ffff:127.0.0.1", "203.0.113.9, 10.0.0.1", none)).toBe("127.0.0.1");
    expect(resolveClientAddress("::1", undefined, none)).toBe("::1");
  });

  it("is the right-most hop that is not a trusted proxy", () => {
    // The client forged the left-most entry; the trusted proxy at 10.0.0.2 appended the real one.
    expect(resolveClientAddress("10.0.0.2", "203.0.113.9, 198.51.100.20", proxies)).toBe("198.51.100.20");
    // Two trusted proxies in a row.
    expect(resolveClientAddress("::ffff:10.0.0.2", "198.51.100.20, 192.168.1.7", proxies)).toBe("198.51.100.20");
    expect(resolveClientAddress("10.0.0.2", ["203.0.113.9", "198.51.100.20, 10.1.1.1"], proxies)).toBe("198.51.100.20");
  });

  it("stops at the last trusted proxy when the hop it vouches for is not an address", () => {
    expect(resolveClientAddress("10.0.0.2", "not-an-ip", proxies)).toBe("10.0.0.2");
    expect(resolveClientAddress("10.0.0.2", "198.51.100.20, <script>", proxies)).toBe("10.0.0.2");
    expect(resolveClientAddress("10.0.0.2", "", proxies)).toBe("10.0.0.2");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(resolveClientAddress("198.51.100.20", "10.0.0.3", proxies)).toBe("198.51.100.20");
  });

  it("refuses a trusted-proxy setting that is not an address or range, naming it", () => {
    expect(() => parseTrustedProxies("10.0.0.0/8, example.com")).toThrow(/"example.com"/);
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/10.0.0.0\/33/);
    expect(parseTrustedProxies("::ffff:10.0.0.0/104").ranges).toHaveLength(1);
    expect(resolveClientAddress("10.9.9.9", "198.51.100.20", parseTrustedProxies("::ffff:10.0.0.0/104"))).toBe("198.51.100.20");
  });

  it("is read from the header the server sets, never from X-Forwarded-For or X-Real-IP", () => {
    expect(clientIp(new Headers({ [CLIENT_ADDRESS_HEADER]: "198.51.100.20", "x-forwarded-for": "203.0.113.9" }))).toBe("198.51.100.20");
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.9", "x-real-ip": "203.0.113.10" }))).toBeNull();
    expect(clientIp(new Headers({ [CLIENT_ADDRESS_HEADER]: "not an address" }))).toBeNull();
  });
});
