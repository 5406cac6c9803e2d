import "server-only";
import { and, arrayOverlaps, asc, eq, gt, ilike, inArray, isNotNull, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { accounts, apiKeyAccounts, apiKeyCompanies, apiKeys, applications, companies, users } from "@/lib/db/schema";
import { productPermissions } from "@/lib/key-grants";
import { EXPIRING_WITHIN_DAYS, keyStatus, type KeyStatus } from "@/lib/key-status";
import { API_PRODUCTS } from "@/lib/permissions";
import { MAX_KEYS_RENEWED_AT_ONCE } from "@/lib/schemas/keys";

export const KEYS_PAGE_SIZE = 20;

export const listKeysQuerySchema = z.object({
  status: z.enum(["active", "expiring", "frozen", "leaked"]).optional().catch(undefined),
  mode: z.enum(["live", "test"]).optional().catch(undefined),
  app: z.uuid().optional().catch(undefined),
  /** Keys holding any grant of this API product. */
  product: z.enum(API_PRODUCTS).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined),
});
export type ListKeysQuery = z.infer<typeof listKeysQuerySchema>;

export interface KeyAccountSummary {
  id: string;
  name: string;
  number: string;
  currency: string;
  companyName: string | null;
}

export interface KeyListRow {
  id: string;
  alias: string;
  prefix: string;
  mode: "live" | "test";
  applicationId: string;
  applicationName: string;
  permissions: string[];
  status: KeyStatus;
  expiresAt: Date;
  lastUsedAt: Date | null;
  createdAt: Date;
  createdByName: string;
  /** When the key began waiting for a second member's approval (maker-checker); null when it does not wait. */
  pendingApprovalSince: Date | null;
  /** Where a leaked key was found, as its reporter said (plain text, never a link); null for a key not leaked. */
  leakUrl: string | null;
  accounts: KeyAccountSummary[];
  companies: string[];
}

/**
 * A key as lists and the detail page show it — with its application's name and its creator's —
 * never the hash. Callers add their own where, order and limit.
 */
export function selectKeyRows(db: Executor) {
  return db
    .select({
      id: apiKeys.id,
      alias: apiKeys.alias,
      description: apiKeys.description,
      prefix: apiKeys.prefix,
      mode: apiKeys.mode,
      applicationId: apiKeys.applicationId,
      applicationName: applications.name,
      permissions: apiKeys.permissions,
      createdAt: apiKeys.createdAt,
      renewedAt: apiKeys.renewedAt,
      expiresAt: apiKeys.expiresAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
      leakedAt: apiKeys.leakedAt,
      leakUrl: apiKeys.leakUrl,
      leakSource: apiKeys.leakSource,
      retiresAt: apiKeys.retiresAt,
      createdByName: users.name,
      createdBy: apiKeys.createdBy,
      pendingApprovalSince: apiKeys.pendingApprovalSince,
    })
    .from(apiKeys)
    .innerJoin(applications, eq(applications.id, apiKeys.applicationId))
    .innerJoin(users, eq(users.id, apiKeys.createdBy));
}

/**
 * A key that still exists: not deleted, and not a key renewed as a narrower one whose overlap has
 * ended (the jobs make those tombstones later; until then they are gone all the same).
 */
export function liveKey(now: Date): SQL {
  return and(isNull(apiKeys.revokedAt), or(isNull(apiKeys.retiresAt), gt(apiKeys.retiresAt, now)))!;
}

/** Accounts and companies of several keys, in two queries. */
export async function keyAccessSummaries(db: Executor, keyIds: string[]) {
  const accountRows = keyIds.length
    ? await db
        .select({
          keyId: apiKeyAccounts.keyId,
          id: accounts.id,
          name: accounts.name,
          number: accounts.number,
          currency: accounts.currency,
          companyName: companies.name,
        })
        .from(apiKeyAccounts)
        .innerJoin(accounts, eq(accounts.id, apiKeyAccounts.accountId))
        .leftJoin(companies, eq(companies.id, accounts.companyId))
        .where(inArray(apiKeyAccounts.keyId, keyIds))
        .orderBy(asc(companies.name), asc(accounts.name))
    : [];
  const companyRows = keyIds.length
    ? await db
        .select({ keyId: apiKeyCompanies.keyId, name: companies.name })
        .from(apiKeyCompanies)
        .innerJoin(companies, eq(companies.id, apiKeyCompanies.companyId))
        .where(inArray(apiKeyCompanies.keyId, keyIds))
        .orderBy(asc(companies.name))
    : [];
  return {
    accountsOf: (keyId: string) => accountRows.filter((r) => r.keyId === keyId).map(({ keyId: _, ...a }) => a),
    companiesOf: (keyId: string) => companyRows.filter((r) => r.keyId === keyId).map((r) => r.name),
  };
}

/**
 * The list counts its keys up to this many (50 pages); beyond it, it says "1,000+" rather than reading
 * every key of a very large organisation on each page, so that the page costs the same at 10,000 keys
 * as at 20. Page numbers keep working past it.
 */
export const KEYS_COUNT_LIMIT = 1_000;

/** A key of the page as the statement returns it: timestamps as the database writes them. */
type PageRow = {
  total: number;
  frozen: number;
  expiring: number;
  leaked: number;
  pending_approval: number;
  due: [id: string, alias: string][];
  applications: { id: string; name: string }[];
  id: string | null;
  alias: string;
  description: string | null;
  prefix: string;
  mode: "live" | "test";
  application_id: string;
  application_name: string;
  permissions: string[];
  created_at: string;
  renewed_at: string | null;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  leaked_at: string | null;
  leak_url: string | null;
  retires_at: string | null;
  created_by: string;
  created_by_name: string;
  pending_approval_since: string | null;
  accounts: KeyAccountSummary[];
  companies: string[];
};

const date = (value: string | Date) => (value instanceof Date ? value : new Date(value));
const dateOrNull = (value: string | Date | null) => (value === null ? null : date(value));

/**
 * One page of the organisation's keys (deleted ones are gone from the list), newest first, with the
 * banner's counts — in one statement whatever the organisation's size. The page walks the list's
 * order (api_keys_list_order) and stops after it; the total counts at most KEYS_COUNT_LIMIT + 1 keys.
 * Past the bound the total is `KEYS_COUNT_LIMIT` with `totalBounded`; a later page that reaches the
 * end makes it exact again, and a page past the end is brought back to the last one.
 */
export async function listKeys(db: Executor, actor: Actor, query: ListKeysQuery, now = new Date()) {
  const { org } = authorize(actor, { permission: "keys:view" });
  const soon = new Date(now.getTime() + EXPIRING_WITHIN_DAYS * 86_400_000);
  const base = and(eq(apiKeys.orgId, org.id), liveKey(now))!;
  // A leaked key is "leaked" whatever its expiry: never frozen, expiring or active, and never due for renewal.
  const notLeaked = isNull(apiKeys.leakedAt);
  // Nor is a key a narrower one replaces due: it stops at the end of its overlap whatever happens.
  const renewable = and(notLeaked, isNull(apiKeys.retiresAt))!;
  const filters: (SQL | undefined)[] = [base];
  if (query.status === "frozen") filters.push(notLeaked, lte(apiKeys.expiresAt, now));
  if (query.status === "expiring") filters.push(notLeaked, and(gt(apiKeys.expiresAt, now), lte(apiKeys.expiresAt, soon)));
  if (query.status === "active") filters.push(notLeaked, gt(apiKeys.expiresAt, soon));
  if (query.status === "leaked") filters.push(isNotNull(apiKeys.leakedAt));
  if (query.mode) filters.push(eq(apiKeys.mode, query.mode));
  if (query.app) filters.push(eq(apiKeys.applicationId, query.app));
  if (query.product) filters.push(arrayOverlaps(apiKeys.permissions, productPermissions(query.product)));
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(or(ilike(apiKeys.alias, pattern), ilike(apiKeys.prefix, pattern)));
  }
  const where = and(...filters)!;
  const requested = query.page ?? 1;

  /**
   * The statement: the bounded count (unbounded when `countLimit` is null), the banner's counts and
   * the keys "Renew all" renews, and the page — one row per key, or one row without a key when the
   * page is empty. A page is clamped to the last one only where the count is exact.
   */
  const statement = (countLimit: number | null) => sql`
    with counted as (
      select count(*)::int as total
      from (select 1 from ${apiKeys} where ${where} ${countLimit === null ? sql`` : sql`limit ${countLimit + 1}`}) as matching
    ),
    banner as (
      select
        (select count(*)::int from ${apiKeys} where ${base} and ${renewable} and ${apiKeys.expiresAt} <= ${now}) as frozen,
        (select count(*)::int from ${apiKeys}
          where ${base} and ${renewable} and ${apiKeys.expiresAt} > ${now} and ${apiKeys.expiresAt} <= ${soon}) as expiring,
        (select count(*)::int from ${apiKeys} where ${base} and ${apiKeys.leakedAt} is not null) as leaked,
        (select count(*)::int from ${apiKeys} where ${base} and ${apiKeys.pendingApprovalSince} is not null) as pending_approval,
        -- The keys the banner's "Renew all" renews: every expiring or frozen key, whatever the filters,
        -- soonest first — the ids the browser sends back, so a key that changes meanwhile is not renewed by surprise.
        (select coalesce(json_agg(json_build_array(d.id, d.alias) order by d.expires_at, d.id), '[]'::json)
          from (select ${apiKeys.id} as id, ${apiKeys.alias} as alias, ${apiKeys.expiresAt} as expires_at from ${apiKeys}
                where ${base} and ${renewable} and ${apiKeys.expiresAt} <= ${soon}
                order by ${apiKeys.expiresAt}, ${apiKeys.id} limit ${MAX_KEYS_RENEWED_AT_ONCE}) as d) as due,
        -- The application filter's choices, as listApplicationNames gives them.
        (select coalesce(json_agg(json_build_object('id', ${applications.id}, 'name', ${applications.name})
                                  order by ${applications.createdAt}, ${applications.name}), '[]'::json)
          from ${applications} where ${applications.orgId} = ${org.id}) as applications
    )
    select counted.total, banner.*, page.*, applications.name as application_name, users.name as created_by_name,
      (select coalesce(json_agg(json_build_object('id', a.id, 'name', a.name, 'number', a.number, 'currency', a.currency, 'companyName', c.name)
                                order by c.name, a.name), '[]'::json)
         from api_key_accounts ka join accounts a on a.id = ka.account_id left join companies c on c.id = a.company_id
         where ka.key_id = page.id) as accounts,
      (select coalesce(json_agg(c.name order by c.name), '[]'::json)
         from api_key_companies kc join companies c on c.id = kc.company_id where kc.key_id = page.id) as companies
    from counted cross join banner
    left join lateral (
      select ${apiKeys.id} as id, ${apiKeys.alias} as alias, ${apiKeys.description} as description, ${apiKeys.prefix} as prefix,
        ${apiKeys.mode} as mode, ${apiKeys.applicationId} as application_id, ${apiKeys.permissions} as permissions,
        ${apiKeys.createdAt} as created_at, ${apiKeys.renewedAt} as renewed_at, ${apiKeys.expiresAt} as expires_at,
        ${apiKeys.lastUsedAt} as last_used_at, ${apiKeys.revokedAt} as revoked_at, ${apiKeys.leakedAt} as leaked_at,
        ${apiKeys.leakUrl} as leak_url, ${apiKeys.retiresAt} as retires_at, ${apiKeys.createdBy} as created_by,
        ${apiKeys.pendingApprovalSince} as pending_approval_since
      from ${apiKeys}
      where ${where}
      order by ${apiKeys.createdAt} desc, ${apiKeys.alias}, ${apiKeys.id}
      -- One key more than the page shows: whether a next page exists, where the count stopped short.
      limit ${KEYS_PAGE_SIZE + 1}
      offset (case when ${countLimit === null ? sql`false` : sql`counted.total > ${countLimit}::int`} then ${requested}::int
                   else least(${requested}::int, greatest(1, ceil(counted.total / ${KEYS_PAGE_SIZE}::numeric)::int)) end - 1) * ${KEYS_PAGE_SIZE}
    ) as page on true
    left join ${applications} on ${applications.id} = page.application_id
    left join ${users} on ${users.id} = page.created_by
    order by page.created_at desc, page.alias, page.id`;

  let result = await db.execute<PageRow>(statement(KEYS_COUNT_LIMIT));
  let head = result.rows[0]!;
  let page = requested;
  let totalBounded = head.total > KEYS_COUNT_LIMIT;
  let total = totalBounded ? KEYS_COUNT_LIMIT : head.total;
  let pageRows = result.rows.filter((r) => r.id !== null);
  if (totalBounded && pageRows.length === 0) {
    // A page past the end of a list longer than the bound: count it all, once, and show the last page.
    result = await db.execute<PageRow>(statement(null));
    head = result.rows[0]!;
    total = head.total;
    totalBounded = false;
    pageRows = result.rows.filter((r) => r.id !== null);
  }
  const hasNextPage = pageRows.length > KEYS_PAGE_SIZE;
  pageRows = pageRows.slice(0, KEYS_PAGE_SIZE);
  if (totalBounded && !hasNextPage) {
    // The page reached the end of the list: the keys before it and on it are all of them.
    total = (page - 1) * KEYS_PAGE_SIZE + pageRows.length;
    totalBounded = false;
  }
  let pageCount: number;
  if (totalBounded) {
    // At least the pages the bound holds, and one past this page while there is one.
    pageCount = Math.max(Math.ceil(KEYS_COUNT_LIMIT / KEYS_PAGE_SIZE), page + 1);
  } else {
    pageCount = Math.max(1, Math.ceil(total / KEYS_PAGE_SIZE));
    page = Math.min(page, pageCount);
  }

  const keys: KeyListRow[] = pageRows.map((row) => {
    const dates = {
      createdAt: date(row.created_at),
      renewedAt: dateOrNull(row.renewed_at),
      expiresAt: date(row.expires_at),
      lastUsedAt: dateOrNull(row.last_used_at),
      revokedAt: dateOrNull(row.revoked_at),
      leakedAt: dateOrNull(row.leaked_at),
      retiresAt: dateOrNull(row.retires_at),
      pendingApprovalSince: dateOrNull(row.pending_approval_since),
    };
    const { revokedAt, ...kept } = dates;
    return {
      id: row.id!,
      alias: row.alias,
      description: row.description,
      prefix: row.prefix,
      mode: row.mode,
      applicationId: row.application_id,
      applicationName: row.application_name,
      permissions: row.permissions,
      ...kept,
      createdBy: row.created_by,
      createdByName: row.created_by_name,
      leakUrl: row.leaked_at ? row.leak_url : null,
      status: keyStatus(dates, now),
      accounts: row.accounts,
      companies: row.companies,
    };
  });
  return {
    keys,
    /** Exact, or the bound when `totalBounded`: the list then holds more than this. */
    total,
    totalBounded,
    page,
    /** Exact, or the pages known so far when `totalBounded`. */
    pageCount,
    frozen: head.frozen,
    expiring: head.expiring,
    /** Keys frozen as leaked, whatever the filters: to regenerate or delete, never to renew. */
    leaked: head.leaked,
    /** Keys waiting for a second member's approval, whatever the filters. */
    pendingApproval: head.pending_approval,
    dueIds: head.due.map(([id]) => id),
    dueAliases: head.due.map(([, alias]) => alias),
    /** The organisation's applications for the list's filter, oldest first (listApplicationNames, without a query of its own). */
    applications: head.applications,
  };
}

/** The list's number of keys as people read it: "26", or "1,000+" where the count stopped at its bound. */
export function keyCountLabel(list: { total: number; totalBounded: boolean }): string {
  return list.totalBounded ? `${list.total.toLocaleString("en")}+` : String(list.total);
}

/**
 * What a screen reader hears as the list changes under the filters: "26 keys match these filters",
 * "1 key", "More than 1,000 keys" where the count stopped at its bound. Worded apart from the list's
 * own empty state, which says the same to sighted people.
 */
export function keyCountAnnouncement(list: { total: number; totalBounded: boolean }, filtered: boolean): string {
  const count = list.totalBounded ? `More than ${list.total.toLocaleString("en")}` : String(list.total);
  const one = list.total === 1 && !list.totalBounded;
  return `${count} ${one ? "key" : "keys"}${filtered ? (one ? " matches these filters" : " match these filters") : ""}`;
}

/** The list's number of pages as people read it: "2", or "50+" where the count stopped at its bound. */
export function pageCountLabel(list: { pageCount: number; totalBounded: boolean }): string {
  return list.totalBounded ? `${list.pageCount.toLocaleString("en")}+` : String(list.pageCount);
}
