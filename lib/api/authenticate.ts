import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { accessTokens, apiKeys, organisations } from "@/lib/db/schema";
import { checkApiKeyFormat } from "@/lib/keys/key-format";
import { sha256Hex } from "@/lib/security/hashing";
import { ApiError } from "./http";

/** Who is calling the bank API: a key, reached directly or through an OAuth access token. */
export interface ApiCaller {
  keyId: string;
  orgId: string;
  applicationId: string;
  mode: "live" | "test";
  prefix: string;
  permissions: ReadonlySet<string>;
  via: "key" | "token";
}

const URL_SECRET_PARAMS = ["api_key", "apikey", "key", "x-api-key", "access_token", "token"];

const KEY_COLUMNS = {
  keyId: apiKeys.id,
  orgId: apiKeys.orgId,
  applicationId: apiKeys.applicationId,
  mode: apiKeys.mode,
  prefix: apiKeys.prefix,
  permissions: apiKeys.permissions,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
  orgStatus: organisations.status,
};

/** The two lookups on the API's hot path, prepared once per database client (parsed and planned once). */
function preparedLookups(db: Executor) {
  return {
    byKeyHash: db
      .select(KEY_COLUMNS)
      .from(apiKeys)
      .innerJoin(organisations, eq(organisations.id, apiKeys.orgId))
      .where(eq(apiKeys.secretHash, sql.placeholder("hash")))
      .limit(1)
      .prepare("latchkey_api_key_by_hash"),
    byTokenHash: db
      .select(KEY_COLUMNS)
      .from(accessTokens)
      .innerJoin(apiKeys, eq(apiKeys.id, accessTokens.keyId))
      .innerJoin(organisations, eq(organisations.id, apiKeys.orgId))
      .where(and(eq(accessTokens.tokenHash, sql.placeholder("hash")), gt(accessTokens.expiresAt, sql.placeholder("now"))))
      .limit(1)
      .prepare("latchkey_api_token_by_hash"),
  };
}

const prepared = new WeakMap<object, ReturnType<typeof preparedLookups>>();

function lookups(db: Executor) {
  let found = prepared.get(db);
  if (!found) prepared.set(db, (found = preparedLookups(db)));
  return found;
}

/**
 * Verifies the caller. A key with a bad shape or checksum is refused before any database query;
 * a good one costs one indexed lookup by its SHA-256. Expiry is checked now, not by a job: a key
 * is frozen the second it expires. Revoked, regenerated-away and unknown keys look the same.
 */
export async function authenticate(db: Executor, request: Request, now = new Date()): Promise<ApiCaller> {
  const url = new URL(request.url);
  if (URL_SECRET_PARAMS.some((p) => url.searchParams.has(p))) {
    throw new ApiError(401, "invalid_key", "Send the key in the x-api-key header: keys in URLs end up in logs.");
  }
  const authorization = request.headers.get("authorization");
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  let row;
  if (bearer) {
    if (!/^lkat_[0-9A-Za-z]{43}$/.test(bearer)) throw new ApiError(401, "invalid_key", "The access token is invalid or has expired.");
    [row] = await lookups(db).byTokenHash.execute({ hash: sha256Hex(bearer), now });
    if (!row) throw new ApiError(401, "invalid_key", "The access token is invalid or has expired.");
  } else {
    const key = request.headers.get("x-api-key");
    if (!key) throw new ApiError(401, "missing_key", "Send your API key in the x-api-key header.");
    if (!checkApiKeyFormat(key)) throw new ApiError(401, "invalid_key", "That is not a valid API key.");
    [row] = await lookups(db).byKeyHash.execute({ hash: sha256Hex(key) });
    if (!row) throw new ApiError(401, "invalid_key", "That is not a valid API key.");
  }
  if (row.revokedAt) throw new ApiError(401, "invalid_key", "That is not a valid API key.");
  if (row.orgStatus !== "approved") throw new ApiError(401, "invalid_key", "This key's organisation is suspended by the bank.");
  if (row.expiresAt.getTime() <= now.getTime()) {
    throw new ApiError(403, "key_frozen", "This key is frozen: it expired and must be renewed in the portal.");
  }
  return {
    keyId: row.keyId,
    orgId: row.orgId,
    applicationId: row.applicationId,
    mode: row.mode,
    prefix: row.prefix,
    permissions: new Set(row.permissions),
    via: bearer ? "token" : "key",
  };
}
