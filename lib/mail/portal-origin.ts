import "server-only";
import { env } from "@/lib/env";

/** The portal's address for links in e-mails: AUTH_URL, or the local server's. */
export function portalOrigin(): string {
  return (env.AUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, "");
}
