import "server-only";
import { portalOrigin } from "@/lib/mail/portal-origin";

/** How long a passkey challenge lives: the browser's prompt times out with it. */
export const CHALLENGE_SECONDS = 120;
/** Most passkeys one person may hold. */
export const MAX_PASSKEYS = 10;
/** Most live (unused, unexpired) challenges one person may hold at once. */
export const MAX_LIVE_CHALLENGES = 20;

/**
 * The relying party passkeys are bound to: the portal's configured origin (AUTH_URL, else
 * http://localhost:$PORT) and its host name — never a request's Host or Origin header, which the
 * caller controls. WebAuthn needs a domain name: `localhost`, not 127.0.0.1.
 */
export function relyingParty(): { origin: string; rpID: string; rpName: string } {
  const origin = portalOrigin();
  return { origin, rpID: new URL(origin).hostname, rpName: "Latchkey" };
}
