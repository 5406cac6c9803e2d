/**
 * Who is calling: the socket's peer, or — only when that peer is a proxy we trust — the address
 * the proxies recorded in X-Forwarded-For, read from the right (each proxy appends the address it
 * received the request from, so everything left of the last untrusted hop may be forged).
 *
 * Dependency-light on purpose: the production server (scripts/serve.mjs) resolves the address once
 * per request from the API bundle and hands it to the portal and the API in CLIENT_ADDRESS_HEADER,
 * after removing any value a client sent.
 */
import ipaddr from "ipaddr.js";

/** The header the server sets (and strips from clients) with the resolved client address. */
export const CLIENT_ADDRESS_HEADER = "x-latchkey-client-ip";

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

export interface TrustedProxies {
  ranges: Range[];
}

/** Normalises an address: IPv4-mapped IPv6 (`::ffff:127.0.0.1`) becomes plain IPv4. Null when it is not an address. */
export function normaliseAddress(value: string | undefined | null): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (!ipaddr.isValid(trimmed)) return null;
  return ipaddr.process(trimmed).toString();
}

/**
 * Parses LATCHKEY_TRUSTED_PROXIES: CIDR ranges or single addresses, separated by commas or
 * whitespace. Throws naming the entry that is neither.
 */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const ranges: Range[] = [];
  for (const entry of (value ?? "").split(/[\s,]+/).filter(Boolean)) {
    try {
      if (entry.includes("/")) {
        const [address, bits] = ipaddr.parseCIDR(entry);
        const mapped = address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress();
        // `::ffff:10.0.0.0/104` is the IPv4 range 10.0.0.0/8: peers are compared as plain IPv4.
        ranges.push(mapped ? [(address as ipaddr.IPv6).toIPv4Address(), bits - 96] : [address, bits]);
      } else {
        const address = ipaddr.process(entry);
        ranges.push([address, address.kind() === "ipv4" ? 32 : 128]);
      }
    } catch {
      throw new Error(`LATCHKEY_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    }
  }
  return { ranges };
}

function isTrusted(address: string, trusted: TrustedProxies): boolean {
  if (trusted.ranges.length === 0) return false;
  const parsed = ipaddr.process(address);
  return trusted.ranges.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range as never, bits));
}

/**
 * The client's address: the right-most hop that is not a trusted proxy. With no trusted proxies
 * (the default) that is always the socket's peer, whatever X-Forwarded-For says.
 */
export function resolveClientAddress(
  peer: string | undefined | null,
  forwardedFor: string | string[] | undefined | null,
  trusted: TrustedProxies,
): string | null {
  let current = normaliseAddress(peer);
  if (!current || !isTrusted(current, trusted)) return current;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const hops = header
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normaliseAddress(hops[i]);
    // A trusted proxy vouching for something that is not an address: stop at the proxy.
    if (!hop) return current;
    current = hop;
    if (!isTrusted(hop, trusted)) return hop;
  }
  return current;
}
