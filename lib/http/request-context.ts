import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { clientIp } from "./client-ip";

export { clientIp };

export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
  requestId: string;
}

/** IP, user agent and request id of the request being served (pages and server actions). */
export async function requestContext(): Promise<RequestContext> {
  const h = await headers();
  const requestId = h.get("x-request-id");
  return {
    ip: clientIp(h),
    userAgent: h.get("user-agent"),
    requestId: requestId && /^[0-9a-f-]{36}$/.test(requestId) ? requestId : randomUUID(),
  };
}

/** The origin the browser used to reach the portal, for samples and links. */
export async function requestOrigin(): Promise<string> {
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto") ?? (host.startsWith("localhost") || host.startsWith("127.") ? "http" : "https");
  return `${proto}://${host}`;
}
