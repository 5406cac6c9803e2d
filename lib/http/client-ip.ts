import "server-only";
import { env } from "@/lib/env";
import { CLIENT_ADDRESS_HEADER, normaliseAddress } from "./client-address";

/**
 * The client's address for rate limits and audit rows. The production server resolves it from the
 * socket and LATCHKEY_TRUSTED_PROXIES (lib/http/client-address.ts) and sets CLIENT_ADDRESS_HEADER,
 * replacing anything a client sent, so no header a caller chooses can change it. Without that
 * server (`next dev`), the right-most X-Forwarded-For hop — the one Next's own server writes.
 */
export function clientIp(h: Headers): string | null {
  const resolved = h.get(CLIENT_ADDRESS_HEADER);
  if (resolved !== null) return normaliseAddress(resolved);
  if (env.NODE_ENV !== "development") return null;
  const hops = h.get("x-forwarded-for")?.split(",") ?? [];
  return normaliseAddress(hops[hops.length - 1]);
}
