import "server-only";
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

// Stand-in until the delivery core lands: same API.
function allowPrivate() {
  return process.env.LATCHKEY_WEBHOOKS_ALLOW_PRIVATE === "1";
}

function isPublic(address: string): boolean {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === "unicast";
}

export async function checkWebhookUrl(raw: string): Promise<{ ok: true; url: URL } | { ok: false; message: string }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: "Enter a full URL, such as https://example.com/webhooks" };
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && allowPrivate())) return { ok: false, message: "Use an https:// URL" };
  if (url.username || url.password) return { ok: false, message: "Leave user names and passwords out of the URL" };
  if (allowPrivate()) return { ok: true, url };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      return { ok: false, message: "That host name does not resolve" };
    }
  }
  if (addresses.some((a) => !isPublic(a))) return { ok: false, message: "That URL points at a private, loopback or link-local address" };
  return { ok: true, url };
}
