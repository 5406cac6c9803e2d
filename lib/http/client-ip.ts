/**
 * The client IP as the first proxy hop saw it. Next's server, and ours for the bank API, set
 * x-forwarded-for from the socket when no proxy in front did.
 */
export function clientIp(h: Headers): string | null {
  const forwarded = h.get("x-forwarded-for")?.split(",")[0]?.trim();
  const ip = forwarded || h.get("x-real-ip")?.trim() || null;
  return ip && ip.length <= 64 ? ip : null;
}
