import "server-only";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { env } from "@/lib/env";

/**
 * Where a webhook may be sent (SSRF): https to a public address. Loopback, private, link-local
 * (the cloud metadata address 169.254.169.254 among them), carrier-grade NAT, multicast and every
 * other special range are refused — in IPv4, IPv6 and IPv4-mapped IPv6 alike — unless
 * LATCHKEY_WEBHOOKS_ALLOW_PRIVATE=1 (tests, the embedded demo), which also allows plain http.
 *
 * A URL passing here is checked again when it is sent to (send.ts), against the address actually
 * connected to: a DNS answer that changes in between does not get through.
 */

export const MAX_WEBHOOK_URL_LENGTH = 2000;

/** A host name's addresses, as `dns.lookup(host, { all: true })` answers. Injectable for tests. */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

export function privateDestinationsAllowed(): boolean {
  return env.LATCHKEY_WEBHOOKS_ALLOW_PRIVATE === "1";
}

const RANGE_WORDS: Record<string, string> = {
  loopback: "is a loopback address (this machine)",
  private: "is on a private network",
  uniqueLocal: "is on a private network",
  linkLocal: "is a link-local address (such as a cloud metadata service)",
  carrierGradeNat: "is on a carrier-grade NAT network",
  unspecified: "is the unspecified address",
  broadcast: "is a broadcast address",
  multicast: "is a multicast address",
};

/** Never reachable as an HTTP server, flag or not. */
const NEVER = new Set(["unspecified", "broadcast", "multicast"]);

/**
 * Why Latchkey will not connect to this IP address, or null when it may. Only ordinary public
 * unicast addresses pass; an IPv4-mapped IPv6 address is judged as the IPv4 address it maps.
 */
export function refusedAddress(address: string): string | null {
  if (!ipaddr.isValid(address)) return `The address ${address} is not an IP address.`;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  if (range === "unicast") return null;
  if (privateDestinationsAllowed() && !NEVER.has(range)) return null;
  const words = RANGE_WORDS[range] ?? "is in a reserved range";
  return `That address (${parsed.toString()}) ${words}: webhooks are sent only to public addresses.`;
}

/** The host of a URL as an IP address when it is one (IPv6 without its brackets), else null. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : null;
}

/** Every address a host name resolves to, each checked; a message when any of them is refused. */
export async function resolveChecked(
  hostname: string,
  resolve: Resolver = systemResolver,
): Promise<{ ok: true; addresses: { address: string; family: number }[] } | { ok: false; message: string }> {
  const literal = ipLiteral(hostname);
  if (literal) {
    const refused = refusedAddress(literal);
    return refused ? { ok: false, message: refused } : { ok: true, addresses: [{ address: literal, family: isIP(literal) }] };
  }
  let answers: { address: string; family: number }[];
  try {
    answers = await resolve(hostname);
  } catch {
    return { ok: false, message: `The host name ${hostname} does not resolve to an address.` };
  }
  if (answers.length === 0) return { ok: false, message: `The host name ${hostname} does not resolve to an address.` };
  for (const answer of answers) {
    const refused = refusedAddress(answer.address);
    if (refused) return { ok: false, message: `${hostname} resolves to ${answer.address}. ${refused}` };
  }
  return { ok: true, addresses: answers };
}

/**
 * Whether a webhook endpoint's URL is acceptable: https (http only with the flag), no user name or
 * password in it, at most 2,000 characters, no control characters or spaces, and a host whose every
 * address is public (unless the flag).
 */
export async function checkWebhookUrl(raw: string, options: { resolve?: Resolver } = {}): Promise<{ ok: true; url: URL } | { ok: false; message: string }> {
  if (typeof raw !== "string" || raw.length === 0) return { ok: false, message: "Enter the endpoint's URL." };
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return { ok: false, message: `The URL is longer than ${MAX_WEBHOOK_URL_LENGTH.toLocaleString("en")} characters.` };
  if (/[\u0000-\u0020\u007f-\u009f\u2028\u2029]/.test(raw)) return { ok: false, message: "The URL contains spaces or control characters." };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: "That is not a URL (it should look like https://example.com/webhooks)." };
  }
  const allowPrivate = privateDestinationsAllowed();
  if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:")) return { ok: false, message: "The URL must start with https://." };
  if (url.username || url.password) return { ok: false, message: "The URL must not contain a user name or password." };
  if (!url.hostname) return { ok: false, message: "The URL has no host." };
  const checked = await resolveChecked(url.hostname, options.resolve);
  if (!checked.ok) return checked;
  return { ok: true, url };
}
