import "server-only";
import { timingSafeEqual } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { clientIp } from "@/lib/http/client-ip";
import { accessTokens, apiKeys, applications } from "@/lib/db/schema";
import { sha256Hex } from "@/lib/security/hashing";
import { randomBase62 } from "@/lib/security/random";
import { assertCallerAddress, authenticate } from "./authenticate";
import { enforceLimit, failure } from "./handler";
import { ApiError, json, requestIdOf } from "./http";

export const ACCESS_TOKEN_SECONDS = 30 * 60;

function oauthError(status: number, error: string, description: string, extra: Record<string, string> = {}) {
  return json({ error, error_description: description }, status, extra);
}

/**
 * POST /api/oauth2/token — client credentials, as Investec does it: HTTP Basic client_id:client_secret
 * of the key's application, the key in x-api-key, form grant_type=client_credentials. Answers an
 * opaque bearer token (≥ 256 bits, stored hashed, 30 minutes) carrying the key's permissions.
 */
export async function issueToken(request: Request): Promise<Response> {
  const requestId = requestIdOf(request);
  try {
    const form = new URLSearchParams(await request.text());
    if (form.get("grant_type") !== "client_credentials") {
      return oauthError(400, "unsupported_grant_type", "Use grant_type=client_credentials.");
    }
    const basic = request.headers.get("authorization")?.match(/^Basic\s+([A-Za-z0-9+/=]+)$/i)?.[1];
    const decoded = basic ? Buffer.from(basic, "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    if (colon < 1)
      return oauthError(401, "invalid_client", "Send the client ID and secret with HTTP Basic authentication.", {
        "www-authenticate": 'Basic realm="latchkey"',
      });
    const clientId = decoded.slice(0, colon);
    const clientSecret = decoded.slice(colon + 1);
    // Guessing secrets is throttled per address and per client ID, before anything is looked up.
    await enforceLimit(
      `token:ip:${clientIp(request.headers) ?? "unknown"}`,
      env.LATCHKEY_TOKEN_RATE_LIMIT * 2,
      "Too many token requests from this address. Slow down and retry.",
    );
    await enforceLimit(
      `token:client:${sha256Hex(clientId).slice(0, 32)}`,
      env.LATCHKEY_TOKEN_RATE_LIMIT,
      "Too many token requests for this client ID. Slow down and retry.",
    );

    const db = getDb();
    const presentedKey = request.headers.get("x-api-key") ?? "";
    const caller = await authenticate(db, new Request(request.url, { headers: { "x-api-key": presentedKey } }));
    // A token carries the key's allowlist to every call, and is not handed out where the key may not be used.
    assertCallerAddress(caller, clientIp(request.headers));
    const [app] = await db.select().from(applications).where(eq(applications.clientId, clientId)).limit(1);
    const expected = Buffer.from(app?.clientSecretHash ?? "0".repeat(64), "hex");
    const given = Buffer.from(sha256Hex(clientSecret), "hex");
    if (!app || !timingSafeEqual(expected, given) || app.id !== caller.applicationId) {
      return oauthError(401, "invalid_client", "The client credentials are wrong, or do not belong to this key's application.", {
        "www-authenticate": 'Basic realm="latchkey"',
      });
    }
    const token = `lkat_${randomBase62(43)}`;
    // Issued only while the key still has the secret that was shown, its row held FOR SHARE: a
    // regeneration or deletion that got there first wins (this finds nothing), and one that comes
    // after waits for this token and then ends it with the rest of the key's tokens.
    const issued = await db.transaction(async (tx) => {
      const [current] = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.id, caller.keyId), eq(apiKeys.secretHash, sha256Hex(presentedKey)), isNull(apiKeys.revokedAt)))
        .for("share");
      if (!current) return false;
      await tx
        .insert(accessTokens)
        .values({ tokenHash: sha256Hex(token), keyId: caller.keyId, applicationId: app.id, expiresAt: new Date(Date.now() + ACCESS_TOKEN_SECONDS * 1000) });
      return true;
    });
    if (!issued) return oauthError(401, "invalid_client", "That is not a valid API key.");
    return json({ access_token: token, token_type: "Bearer", expires_in: ACCESS_TOKEN_SECONDS, scope: [...caller.permissions].sort().join(" ") });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return oauthError(401, "invalid_client", error.message);
    // PRODUCT.md: an address outside the key's allowlist is 403 ip_not_allowed here too.
    if (error instanceof ApiError && error.code === "ip_not_allowed") return failure(error, requestId);
    if (error instanceof ApiError && error.status === 403) return oauthError(400, "invalid_grant", error.message);
    return failure(error, requestId);
  }
}
