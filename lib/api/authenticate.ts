import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { accessTokens, apiKeys, organisations } from "@/lib/db/schema";
import { productOf } from "@/lib/key-permissions";
import { checkApiKeyFormat } from "@/lib/keys/key-format";
import type { KeyLimits } from "@/lib/ledger";
import { addressAllowed } from "@/lib/schemas/ip-allowlist";
import { sha256Hex } from "@/lib/security/hashing";
import { ApiError } from "./http";
import { cachedKeyLookup } from "./key-cache";

/** An account a key was given, as GET /api/v1/accounts lists it. */
export interface KeyAccountSummary {
  id: string;
  name: string;
  number: string;
  currency: string;
  mode: "live" | "test";
  companyId: string | null;
}

/** Who is calling the bank API: a key, reached directly or through an OAuth access token. */
export interface ApiCaller {
  keyId: string;
  orgId: string;
  applicationId: string;
  mode: "live" | "test";
  /** The prefix of the secret this call used: the current one, or the one still inside its overlap. */
  prefix: string;
  /** Which of the key's secrets the call used. */
  secret: "current" | "previous";
  permissions: ReadonlySet<string>;
  /** The accounts the key was given, of its own mode, by name: read in the same round trip as the key. */
  accounts: readonly KeyAccountSummary[];
  /** Where the key may be used from (canonical addresses and ranges); empty: anywhere. */
  allowedIps: readonly string[];
  /** Its payment limits, read with the key: money calls check them in their own transaction. */
  limits: KeyLimits;
  via: "key" | "token";
}

const URL_SECRET_PARAMS = ["api_key", "apikey", "key", "x-api-key", "access_token", "token"];

/**
 * The accounts of the key in the query's `api_keys` row, of the key's mode, ordered by name, as one
 * JSON array: every API call needs them to know what the key may reach, so they come with the key.
 * The table is named outright: drizzle leaves columns unqualified in a one-table select, and an
 * unqualified `id` here would mean the account's.
 */
export const keyAccountsJson = sql<KeyAccountSummary[]>`coalesce((
  select json_agg(json_build_object('id', a.id, 'name', a.name, 'number', a.number, 'currency', a.currency, 'mode', a.mode, 'companyId', a.company_id) order by a.name, a.id)
  from api_key_accounts ka join accounts a on a.id = ka.account_id
  where ka.key_id = api_keys.id and a.mode = api_keys.mode), '[]'::json)`;

/**
 * What the lookup reads of a key, its organisation and its accounts. Times are milliseconds since
 * the epoch (the database's microseconds cut to the millisecond, as a Date would keep them), the
 * limits are bigint as text: one JSON value, so that the request pays for one column rather than
 * eighteen (their parsers, the row mapping, a Date per timestamp).
 */
interface KeyRow {
  keyId: string;
  orgId: string;
  applicationId: string;
  mode: "live" | "test";
  prefix: string;
  permissions: string[];
  allowedIps: string[];
  expiresAt: number;
  revokedAt: number | null;
  previousPrefix: string | null;
  previousSecretExpiresAt: number | null;
  pendingApprovalSince: number | null;
  leakedAt: number | null;
  retiresAt: number | null;
  orgStatus: "pending" | "approved" | "suspended";
  orgProducts: string[];
  accounts: KeyAccountSummary[];
  maxPerPayment: string | null;
  maxPerDay: string | null;
}

/** A timestamp column as milliseconds since the epoch, or null. */
const epochMs = (column: string) => sql.raw(`(floor(extract(epoch from ${column}) * 1000))::bigint`);

/** The key row as one JSON object; its tables are named outright, as in keyAccountsJson. */
const KEY_ROW = sql<KeyRow>`json_build_object(
  'keyId', api_keys.id, 'orgId', api_keys.org_id, 'applicationId', api_keys.application_id, 'mode', api_keys.mode,
  'prefix', api_keys.prefix, 'permissions', api_keys.permissions, 'allowedIps', api_keys.allowed_ips,
  'expiresAt', ${epochMs("api_keys.expires_at")}, 'revokedAt', ${epochMs("api_keys.revoked_at")},
  'previousPrefix', api_keys.previous_prefix, 'previousSecretExpiresAt', ${epochMs("api_keys.previous_secret_expires_at")},
  'pendingApprovalSince', ${epochMs("api_keys.pending_approval_since")}, 'leakedAt', ${epochMs("api_keys.leaked_at")},
  'retiresAt', ${epochMs("api_keys.retires_at")}, 'orgStatus', organisations.status, 'orgProducts', organisations.products,
  'accounts', ${keyAccountsJson},
  'maxPerPayment', api_keys.max_per_payment::text, 'maxPerDay', api_keys.max_per_day::text)`;

/**
 * The two lookups on the API's hot path, prepared once per database client (parsed and planned once).
 * Each is the request's one round trip for verification: the key, its organisation and its accounts.
 */
function preparedLookups(db: Executor) {
  return {
    byKeyHash: db
      .select({ key: KEY_ROW })
      .from(apiKeys)
      .innerJoin(organisations, eq(organisations.id, apiKeys.orgId))
      .where(eq(apiKeys.secretHash, sql.placeholder("hash")))
      .limit(1)
      .prepare("latchkey_api_key_row_by_hash"),
    // Only when no key has this secret now: a secret replaced by a regeneration with an overlap.
    byPreviousHash: db
      .select({ key: KEY_ROW })
      .from(apiKeys)
      .innerJoin(organisations, eq(organisations.id, apiKeys.orgId))
      .where(eq(apiKeys.previousSecretHash, sql.placeholder("hash")))
      .limit(1)
      .prepare("latchkey_api_key_row_by_previous_hash"),
    byTokenHash: db
      .select({ key: KEY_ROW })
      .from(accessTokens)
      .innerJoin(apiKeys, eq(apiKeys.id, accessTokens.keyId))
      .innerJoin(organisations, eq(organisations.id, apiKeys.orgId))
      .where(and(eq(accessTokens.tokenHash, sql.placeholder("hash")), gt(accessTokens.expiresAt, sql.placeholder("now"))))
      .limit(1)
      .prepare("latchkey_api_token_row_by_hash"),
  };
}

const prepared = new WeakMap<object, ReturnType<typeof preparedLookups>>();

function lookups(db: Executor) {
  let found = prepared.get(db);
  if (!found) prepared.set(db, (found = preparedLookups(db)));
  return found;
}

/** A key found by the secret it was replaced with (a regeneration's overlap) is marked so. */
type FoundKey = KeyRow & { previous?: boolean };

/** The key whose current secret, or replaced secret still in its overlap, hashes to `hash`. */
async function keyByHash(db: Executor, hash: string): Promise<FoundKey | undefined> {
  const [current] = await lookups(db).byKeyHash.execute({ hash });
  if (current) return current.key;
  const [previous] = await lookups(db).byPreviousHash.execute({ hash });
  return previous ? { ...previous.key, previous: true } : undefined;
}

// Which product each permission belongs to, worked out once per permission rather than once a call.
const PRODUCTS = new Map<string, string | undefined>();
function productOfPermission(permission: string): string | undefined {
  if (!PRODUCTS.has(permission)) PRODUCTS.set(permission, productOf(permission));
  return PRODUCTS.get(permission);
}

/** The credential a request carries, read and shape-checked without touching the database. */
export type Credential = { kind: "key"; secret: string } | { kind: "token"; secret: string };

/**
 * Reads the caller's key or access token. A key with a bad shape or checksum is refused here, so a
 * flood of malformed keys costs no database query. Keys in the URL are refused: they end up in logs.
 */
export function readCredential(request: Request): Credential {
  // Only a query string can carry a key: a URL without one is not parsed.
  const query = request.url.includes("?") ? new URL(request.url).searchParams : null;
  if (query && URL_SECRET_PARAMS.some((p) => query.has(p))) {
    throw new ApiError(401, "invalid_key", "Send the key in the x-api-key header: keys in URLs end up in logs.");
  }
  const bearer = request.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) {
    if (!/^lkat_[0-9A-Za-z]{43}$/.test(bearer)) throw new ApiError(401, "invalid_key", "The access token is invalid or has expired.");
    return { kind: "token", secret: bearer };
  }
  const key = request.headers.get("x-api-key");
  if (!key) throw new ApiError(401, "missing_key", "Send your API key in the x-api-key header.");
  if (!checkApiKeyFormat(key)) throw new ApiError(401, "invalid_key", "That is not a valid API key.");
  return { kind: "key", secret: key };
}

/**
 * Verifies a well-formed credential: one indexed lookup by its SHA-256 (for keys on the embedded
 * database, a cached one). Expiry is checked now, not by a job: a key is frozen the second it
 * expires. Revoked, regenerated-away and unknown keys look the same.
 */
export async function verifyCredential(db: Executor, credential: Credential, now: Date | number = Date.now()): Promise<ApiCaller> {
  const at = typeof now === "number" ? now : now.getTime();
  const hash = sha256Hex(credential.secret);
  let row: FoundKey | undefined;
  if (credential.kind === "token") {
    [row] = (await lookups(db).byTokenHash.execute({ hash, now: new Date(at) })).map((r) => r.key);
    if (!row) throw new ApiError(401, "invalid_key", "The access token is invalid or has expired.");
  } else {
    const found = cachedKeyLookup(db, hash, () => keyByHash(db, hash));
    row = found instanceof Promise ? await found : found;
    if (!row) throw new ApiError(401, "invalid_key", "That is not a valid API key.");
    // A replaced secret works until its overlap ends — to the millisecond, cached or not — then it is unknown.
    if (row.previous && !(row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > at)) {
      throw new ApiError(401, "invalid_key", "That is not a valid API key.");
    }
  }
  // A key renewed as a narrower one stops when its overlap ends, to the millisecond, as if deleted.
  if (row.revokedAt !== null || (row.retiresAt !== null && row.retiresAt <= at)) throw new ApiError(401, "invalid_key", "That is not a valid API key.");
  if (row.orgStatus === "suspended")
    throw new ApiError(403, "organisation_suspended", "The bank has suspended this key's organisation; its keys stop working until it is reinstated.");
  if (row.orgStatus !== "approved") throw new ApiError(403, "organisation_pending", "The bank has not approved this key's organisation yet.");
  if (row.leakedAt !== null)
    throw new ApiError(
      403,
      "key_leaked",
      "This key was found in public and has been frozen. Regenerate it (or delete it) in the portal; a leaked key cannot be renewed.",
    );
  if (row.pendingApprovalSince !== null) throw new ApiError(403, "key_pending_approval", "This key waits for a second member's approval in the portal.");
  if (row.expiresAt <= at) {
    throw new ApiError(403, "key_frozen", "This key is frozen: it expired and must be renewed in the portal.");
  }
  const products = row.orgProducts;
  return {
    keyId: row.keyId,
    orgId: row.orgId,
    applicationId: row.applicationId,
    mode: row.mode,
    prefix: row.previous ? (row.previousPrefix ?? row.prefix) : row.prefix,
    secret: row.previous ? "previous" : "current",
    // A permission counts only while the bank has its product enabled for the organisation.
    permissions: new Set(row.permissions.filter((p) => products.includes(productOfPermission(p)!))),
    accounts: row.accounts,
    allowedIps: row.allowedIps,
    limits: {
      keyId: row.keyId,
      maxPerPayment: row.maxPerPayment === null ? null : BigInt(row.maxPerPayment),
      maxPerDay: row.maxPerDay === null ? null : BigInt(row.maxPerDay),
    },
    via: credential.kind,
  };
}

/**
 * The key's IP allowlist, checked right after the key is verified, before anything else it could
 * open. The address is the one the server resolved (socket peer, or a trusted proxy's hop), never a
 * header the caller chose; it is named in the refusal so the integrator sees what we saw.
 */
export function assertCallerAddress(caller: Pick<ApiCaller, "allowedIps">, ip: string | null): void {
  if (addressAllowed(caller.allowedIps, ip)) return;
  throw new ApiError(
    403,
    "ip_not_allowed",
    ip
      ? `This key does not accept calls from ${ip}. Add the address to the key's allowlist in the portal.`
      : "This key accepts calls only from its allowed addresses, and this call's address is unknown.",
  );
}

/** Reads and verifies the caller in one step. */
export async function authenticate(db: Executor, request: Request, now: Date | number = Date.now()): Promise<ApiCaller> {
  return verifyCredential(db, readCredential(request), now);
}
