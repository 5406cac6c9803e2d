import ipaddr from "ipaddr.js";
import { z } from "zod";

export { describeAllowlist, splitAllowlistText } from "./allowlist-text";

/**
 * A key's IP allowlist: up to 20 IPv4 or IPv6 addresses and CIDR ranges. Empty means anywhere.
 * One schema for the wizard, the key page and the server. Entries are stored in canonical form — a
 * single address without a prefix length, a range by its network address (`10.0.0.0/8`) — so that
 * duplicates and overlaps are found whatever way they were written, and named in the message.
 */
export const MAX_ALLOWED_IPS = 20;
const MAX_ENTRY_LENGTH = 64;

type Parsed = { canonical: string; range: [ipaddr.IPv4 | ipaddr.IPv6, number] };

/** One entry in canonical form, or why it is not an address or range. */
export function parseAllowlistEntry(entry: string): Parsed | { error: string } {
  const text = entry.trim();
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  if (text.length > MAX_ENTRY_LENGTH || /[\u0000-\u001f\u007f]/.test(text))
    return { error: `“${shown.replace(/[\u0000-\u001f\u007f]/g, "�")}” is not an address` };
  try {
    if (text.includes("/")) {
      const [address, bits] = ipaddr.parseCIDR(text);
      const plain = address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
      const prefix = plain === address ? bits : bits - 96;
      if (prefix < 0) return { error: `“${shown}” is not a range of IPv4 addresses` };
      const full = plain.kind() === "ipv4" ? 32 : 128;
      const network =
        plain.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(`${plain}/${prefix}`) : ipaddr.IPv6.networkAddressFromCIDR(`${plain}/${prefix}`);
      return { canonical: prefix === full ? network.toString() : `${network.toString()}/${prefix}`, range: [network, prefix] };
    }
    if (!ipaddr.isValid(text)) return { error: `“${shown}” is not an IPv4 or IPv6 address or a CIDR range` };
    const address = ipaddr.process(text);
    return { canonical: address.toString(), range: [address, address.kind() === "ipv4" ? 32 : 128] };
  } catch {
    return { error: `“${shown}” is not an IPv4 or IPv6 address or a CIDR range` };
  }
}

function contains(outer: Parsed["range"], inner: Parsed["range"]): boolean {
  return outer[0].kind() === inner[0].kind() && outer[1] <= inner[1] && inner[0].match(outer);
}

/** The allowlist field: canonical entries, or an error naming the entry, the duplicate or the overlap. */
export const ipAllowlistSchema = z
  .array(z.string({ error: "Each entry must be an address or range" }), { error: "Give the addresses as a list" })
  .max(MAX_ALLOWED_IPS * 4, `List at most ${MAX_ALLOWED_IPS} addresses or ranges`)
  .transform((entries, ctx) => {
    const parsed: Parsed[] = [];
    for (const entry of entries) {
      if (entry.trim() === "") continue;
      const one = parseAllowlistEntry(entry);
      if ("error" in one) {
        ctx.addIssue({ code: "custom", message: one.error });
        return z.NEVER;
      }
      parsed.push(one);
    }
    if (parsed.length > MAX_ALLOWED_IPS) {
      ctx.addIssue({ code: "custom", message: `List at most ${MAX_ALLOWED_IPS} addresses or ranges (there are ${parsed.length})` });
      return z.NEVER;
    }
    for (let i = 0; i < parsed.length; i++) {
      for (let j = 0; j < i; j++) {
        const [a, b] = [parsed[j]!, parsed[i]!];
        if (a.canonical === b.canonical) {
          ctx.addIssue({ code: "custom", message: `${a.canonical} is listed twice` });
          return z.NEVER;
        }
        if (contains(a.range, b.range) || contains(b.range, a.range)) {
          const [wide, narrow] = contains(a.range, b.range) ? [a, b] : [b, a];
          ctx.addIssue({ code: "custom", message: `${narrow.canonical} is already inside ${wide.canonical}: keep one of them` });
          return z.NEVER;
        }
      }
    }
    return parsed.map((p) => p.canonical);
  });

/**
 * Whether a caller's address is on a key's allowlist. An empty list allows every address; with a
 * list, an address that could not be determined is refused.
 */
export function addressAllowed(allowlist: readonly string[], address: string | null): boolean {
  if (allowlist.length === 0) return true;
  if (!address || !ipaddr.isValid(address)) return false;
  const caller = ipaddr.process(address);
  for (const entry of allowlist) {
    const parsed = parseAllowlistEntry(entry);
    if ("error" in parsed) continue;
    if (parsed.range[0].kind() === caller.kind() && caller.match(parsed.range)) return true;
  }
  return false;
}
