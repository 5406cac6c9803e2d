import "server-only";
import { and, desc, eq, gte, ilike, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { apiKeys, applications, auditEvents, memberships } from "@/lib/db/schema";
import { parseOrThrow } from "@/lib/errors";
import { auditFiltersSchema, dayEnd, dayStart, type AuditFilters } from "./audit-filters";

export const AUDIT_PAGE_SIZE = 50;

/** The key that acted, for calls through the bank API. */
const actorKeys = alias(apiKeys, "actor_keys");

const COLUMNS = {
  id: auditEvents.id,
  occurredAt: auditEvents.occurredAt,
  actorLabel: auditEvents.actorLabel,
  action: auditEvents.action,
  targetType: auditEvents.targetType,
  targetId: auditEvents.targetId,
  outcome: auditEvents.outcome,
  ip: auditEvents.ip,
  requestId: auditEvents.requestId,
  metadata: auditEvents.metadata,
  keyAlias: apiKeys.alias,
  keyPrefix: apiKeys.prefix,
  keyRevokedAt: apiKeys.revokedAt,
  applicationId: applications.id,
  applicationName: applications.name,
  actorKeyAlias: actorKeys.alias,
  actorKeyPrefix: actorKeys.prefix,
  /** The event's hash in its chain (verify-chain.ts): the export carries it, the page does not. */
  hash: auditEvents.hash,
};

type Row = {
  targetType: string | null;
  targetId: string | null;
  metadata: unknown;
  keyAlias: string | null;
  keyPrefix: string | null;
  applicationName: string | null;
};

function escapeLike(value: string) {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The target's id as a uuid when it is one (some targets are not), so it can meet a key's or an application's id. */
const targetUuid = sql`(case when ${auditEvents.targetId} ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' then ${auditEvents.targetId}::uuid end)`;

/** The events, with the key or application each one names — of this organisation only, deleted keys included. */
function withTargets(db: Executor, orgId: string) {
  return db
    .select(COLUMNS)
    .from(auditEvents)
    .leftJoin(apiKeys, and(eq(auditEvents.targetType, "api_key"), sql`${apiKeys.id} = ${targetUuid}`, eq(apiKeys.orgId, orgId)))
    .leftJoin(applications, and(eq(auditEvents.targetType, "application"), sql`${applications.id} = ${targetUuid}`, eq(applications.orgId, orgId)))
    .leftJoin(actorKeys, and(eq(actorKeys.id, auditEvents.actorKeyId), eq(actorKeys.orgId, orgId)));
}

/**
 * The audit events of the organisation matching the filters — with its members' sign-ins and
 * sign-outs (recorded before an organisation is chosen, so matched through membership).
 */
function auditWhere(db: Executor, orgId: string, filters: AuditFilters): SQL {
  const members = db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.orgId, orgId));
  const conditions: (SQL | undefined)[] = [or(eq(auditEvents.orgId, orgId), and(isNull(auditEvents.orgId), inArray(auditEvents.actorUserId, members)))];
  if (filters.actor)
    conditions.push(or(ilike(auditEvents.actorLabel, `%${escapeLike(filters.actor)}%`), ilike(actorKeys.alias, `%${escapeLike(filters.actor)}%`)));
  if (filters.action) conditions.push(eq(auditEvents.action, filters.action));
  if (filters.target) {
    const t = escapeLike(filters.target);
    conditions.push(
      or(
        eq(auditEvents.targetType, filters.target),
        ilike(auditEvents.targetId, `${t}%`),
        ilike(apiKeys.alias, `%${t}%`),
        ilike(apiKeys.prefix, `${t}%`),
        ilike(applications.name, `%${t}%`),
      ),
    );
  }
  if (filters.from) conditions.push(gte(auditEvents.occurredAt, dayStart(filters.from)));
  if (filters.to) conditions.push(lt(auditEvents.occurredAt, dayEnd(filters.to)));
  return and(...conditions)!;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/**
 * What an event acted on, in words: a key by alias and prefix ("ERP sync · lk_live_4f9a…") — a
 * deleted one too, its row being kept as a tombstone, or else from what the event recorded —, an
 * application, member, role or organisation by name. Never an id fragment when a name is known.
 */
export function targetLabel(row: Row): string | null {
  const meta = (row.metadata && typeof row.metadata === "object" ? row.metadata : {}) as Record<string, unknown>;
  switch (row.targetType) {
    case "api_key": {
      const alias = row.keyAlias ?? text(meta.alias);
      const prefix = row.keyPrefix ?? text(meta.prefix);
      if (alias && prefix) return `${alias} · ${prefix}…`;
      return alias ?? (prefix ? `${prefix}…` : null);
    }
    case "application":
      return row.applicationName ?? text(meta.application);
    case "member":
    case "invitation":
    case "user":
      return text(meta.email);
    case "role":
    case "organisation":
    case "passkey":
      return text(meta.name);
    case "payment":
      return text(meta.beneficiary) ? `Payment to ${text(meta.beneficiary)}` : null;
    default:
      return null;
  }
}

type Joined = Row & {
  actorLabel: string;
  actorKeyAlias: string | null;
  actorKeyPrefix: string | null;
  keyRevokedAt: Date | null;
  applicationId: string | null;
};

/** Where the target can be seen in the portal: a key that still exists, or an application. */
function targetHref(row: Joined & { targetId: string | null }): string | null {
  if (row.targetType === "api_key" && row.keyAlias && !row.keyRevokedAt) return `/keys/${row.targetId}`;
  if (row.targetType === "application" && row.applicationId) return `/credentials/${row.applicationId}`;
  return null;
}

/** The passkey that confirmed the change, by the name its owner gave it; null for a PIN or no confirmation. */
export function confirmingPasskey(metadata: unknown): string | null {
  if (!metadata || typeof metadata !== "object") return null;
  const { confirmedWith, passkey } = metadata as { confirmedWith?: unknown; passkey?: unknown };
  return confirmedWith === "passkey" && typeof passkey === "string" ? passkey : null;
}

function present<T extends Joined>(rows: T[]) {
  return rows.map(({ metadata, keyAlias, keyPrefix, keyRevokedAt, applicationId, applicationName, actorKeyAlias, actorKeyPrefix, ...event }) => ({
    ...event,
    targetHref: targetHref({ ...event, metadata, keyAlias, keyPrefix, keyRevokedAt, applicationId, applicationName, actorKeyAlias, actorKeyPrefix }),
    // A key that acted through the API is named as a key target is: "ERP sync · lk_live_4f9a…".
    actorLabel: actorKeyAlias && actorKeyPrefix ? `${actorKeyAlias} · ${actorKeyPrefix}…` : event.actorLabel,
    targetLabel: targetLabel({ targetType: event.targetType, targetId: event.targetId, metadata, keyAlias, keyPrefix, applicationName }),
    confirmedWithPasskey: confirmingPasskey(metadata),
  }));
}

function prepare(db: Executor, actor: Actor, input: unknown) {
  const { org } = authorize(actor, { permission: "audit:view" });
  const filters = parseOrThrow(auditFiltersSchema.safeParse(input));
  return { filters, orgId: org.id, where: auditWhere(db, org.id, filters) };
}

/** One page of matching events, and whether another follows. Bad filters are a DomainError naming the field. */
export async function searchAuditEvents(db: Executor, actor: Actor, input: unknown) {
  const { filters, orgId, where } = prepare(db, actor, input);
  const page = filters.page ?? 1;
  const rows = await withTargets(db, orgId)
    .where(where)
    .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((page - 1) * AUDIT_PAGE_SIZE);
  const events = present(rows.slice(0, AUDIT_PAGE_SIZE)).map(({ hash: _hash, ...event }) => event);
  return { filters, page, events, hasNext: rows.length > AUDIT_PAGE_SIZE };
}

/** Every matching event (up to `limit`), for the CSV export. */
export async function exportAuditEvents(db: Executor, actor: Actor, input: unknown, limit = 50_000) {
  const { orgId, where } = prepare(db, actor, input);
  return present(await withTargets(db, orgId).where(where).orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id)).limit(limit));
}

/** The newest events, unfiltered. */
export async function listRecentAuditEvents(db: Executor, actor: Actor, limit = AUDIT_PAGE_SIZE) {
  return (await searchAuditEvents(db, actor, {})).events.slice(0, limit);
}

const CSV_COLUMNS = ["occurred_at", "actor", "action", "target_type", "target", "target_id", "outcome", "ip", "request_id", "hash"] as const;

/**
 * RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. The last
 * column is each event's hash in its chain: a copy kept elsewhere pins the log up to that event.
 */
export function auditCsv(rows: Awaited<ReturnType<typeof exportAuditEvents>>): string {
  const cell = (value: string | null) => {
    let v = value ?? "";
    if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
    return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  };
  const lines = rows.map((r) =>
    [r.occurredAt.toISOString(), r.actorLabel, r.action, r.targetType, r.targetLabel, r.targetId, r.outcome, r.ip, r.requestId, r.hash].map(cell).join(","),
  );
  return [CSV_COLUMNS.join(","), ...lines].join("\r\n") + "\r\n";
}
