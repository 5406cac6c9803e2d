import "server-only";
import { and, arrayOverlaps, asc, count, desc, eq, gt, ilike, inArray, isNotNull, isNull, lte, or, sql, type SQL } from "drizzle-orm";
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

/** One page of the organisation's keys (deleted ones are gone from the list), newest first. */
export async function listKeys(db: Executor, actor: Actor, query: ListKeysQuery, now = new Date()) {
  const { org } = authorize(actor, { permission: "keys:view" });
  const soon = new Date(now.getTime() + EXPIRING_WITHIN_DAYS * 86_400_000);
  const base = and(eq(apiKeys.orgId, org.id), liveKey(now));
  // A leaked key is "leaked" whatever its expiry: never frozen, expiring or active, and never due for renewal.
  const notLeaked = isNull(apiKeys.leakedAt);
  // Nor is a key a narrower one replaces due: it stops at the end of its overlap whatever happens.
  const renewable = and(notLeaked, isNull(apiKeys.retiresAt));
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
  const where = and(...filters);

  const [{ total }] = (await db.select({ total: count() }).from(apiKeys).where(where)) as [{ total: number }];
  const pageCount = Math.max(1, Math.ceil(total / KEYS_PAGE_SIZE));
  const page = Math.min(query.page ?? 1, pageCount);
  const rows = await selectKeyRows(db)
    .where(where)
    .orderBy(desc(apiKeys.createdAt), asc(apiKeys.alias))
    .limit(KEYS_PAGE_SIZE)
    .offset((page - 1) * KEYS_PAGE_SIZE);

  const access = await keyAccessSummaries(
    db,
    rows.map((r) => r.id),
  );
  const [attention] = await db
    .select({
      frozen: sql<number>`count(*) filter (where ${renewable} and ${apiKeys.expiresAt} <= ${now})`.mapWith(Number),
      expiring: sql<number>`count(*) filter (where ${renewable} and ${apiKeys.expiresAt} > ${now} and ${apiKeys.expiresAt} <= ${soon})`.mapWith(Number),
      leaked: sql<number>`count(*) filter (where ${apiKeys.leakedAt} is not null)`.mapWith(Number),
      pendingApproval: sql<number>`count(*) filter (where ${apiKeys.pendingApprovalSince} is not null)`.mapWith(Number),
    })
    .from(apiKeys)
    .where(base);
  // The keys the banner's "Renew all" renews: every expiring or frozen key, whatever the filters,
  // soonest first — the ids the browser sends back, so a key that changes meanwhile is not renewed by surprise.
  const due = await db
    .select({ id: apiKeys.id, alias: apiKeys.alias })
    .from(apiKeys)
    .where(and(base, renewable, lte(apiKeys.expiresAt, soon)))
    .orderBy(asc(apiKeys.expiresAt), asc(apiKeys.id))
    .limit(MAX_KEYS_RENEWED_AT_ONCE);

  const keys: KeyListRow[] = rows.map(({ revokedAt, leakSource: _, ...row }) => ({
    ...row,
    leakUrl: row.leakedAt ? row.leakUrl : null,
    status: keyStatus({ ...row, revokedAt }, now),
    accounts: access.accountsOf(row.id),
    companies: access.companiesOf(row.id),
  }));
  return {
    keys,
    total,
    page,
    pageCount,
    frozen: attention?.frozen ?? 0,
    expiring: attention?.expiring ?? 0,
    /** Keys frozen as leaked, whatever the filters: to regenerate or delete, never to renew. */
    leaked: attention?.leaked ?? 0,
    /** Keys waiting for a second member's approval, whatever the filters. */
    pendingApproval: attention?.pendingApproval ?? 0,
    dueIds: due.map((d) => d.id),
    dueAliases: due.map((d) => d.alias),
  };
}
