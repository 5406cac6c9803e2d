import "server-only";
import { and, desc, eq, gte, ilike, inArray, isNull, lt, or, type SQL } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { auditEvents, memberships } from "@/lib/db/schema";
import { parseOrThrow } from "@/lib/errors";
import { auditFiltersSchema, type AuditFilters } from "@/lib/schemas/audit";

export const AUDIT_PAGE_SIZE = 50;

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
};

function escapeLike(value: string) {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The audit events of the organisation matching the filters — with its members' sign-ins and
 * sign-outs (recorded before an organisation is chosen, so matched through membership).
 */
function auditWhere(db: Executor, orgId: string, filters: AuditFilters): SQL {
  const members = db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.orgId, orgId));
  const conditions: (SQL | undefined)[] = [or(eq(auditEvents.orgId, orgId), and(isNull(auditEvents.orgId), inArray(auditEvents.actorUserId, members)))];
  if (filters.actor) conditions.push(ilike(auditEvents.actorLabel, `%${escapeLike(filters.actor)}%`));
  if (filters.action) conditions.push(eq(auditEvents.action, filters.action));
  if (filters.target) conditions.push(or(eq(auditEvents.targetType, filters.target), ilike(auditEvents.targetId, `${escapeLike(filters.target)}%`)));
  if (filters.from) conditions.push(gte(auditEvents.occurredAt, new Date(`${filters.from}T00:00:00Z`)));
  if (filters.to) conditions.push(lt(auditEvents.occurredAt, new Date(Date.parse(`${filters.to}T00:00:00Z`) + 86_400_000)));
  return and(...conditions)!;
}

function prepare(db: Executor, actor: Actor, input: unknown) {
  const { org } = authorize(actor, { permission: "audit:view" });
  const filters = parseOrThrow(auditFiltersSchema.safeParse(input));
  return { filters, where: auditWhere(db, org!.id, filters) };
}

/** One page of matching events, and whether another follows. Bad filters are a DomainError naming the field. */
export async function searchAuditEvents(db: Executor, actor: Actor, input: unknown) {
  const { filters, where } = prepare(db, actor, input);
  const page = filters.page ?? 1;
  const rows = await db
    .select(COLUMNS)
    .from(auditEvents)
    .where(where)
    .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((page - 1) * AUDIT_PAGE_SIZE);
  return { filters, page, events: rows.slice(0, AUDIT_PAGE_SIZE), hasNext: rows.length > AUDIT_PAGE_SIZE };
}

/** Every matching event (up to `limit`), for the CSV export. */
export async function exportAuditEvents(db: Executor, actor: Actor, input: unknown, limit = 50_000) {
  const { where } = prepare(db, actor, input);
  return db.select(COLUMNS).from(auditEvents).where(where).orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id)).limit(limit);
}

/** The newest events, unfiltered. */
export async function listRecentAuditEvents(db: Executor, actor: Actor, limit = AUDIT_PAGE_SIZE) {
  return (await searchAuditEvents(db, actor, {})).events.slice(0, limit);
}

const CSV_COLUMNS = ["occurred_at", "actor", "action", "target_type", "target_id", "outcome", "ip", "request_id"] as const;

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function auditCsv(rows: Awaited<ReturnType<typeof exportAuditEvents>>): string {
  const cell = (value: string | null) => {
    let v = value ?? "";
    if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
    return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  };
  const lines = rows.map((r) => [r.occurredAt.toISOString(), r.actorLabel, r.action, r.targetType, r.targetId, r.outcome, r.ip, r.requestId].map(cell).join(","));
  return [CSV_COLUMNS.join(","), ...lines].join("\r\n") + "\r\n";
}
