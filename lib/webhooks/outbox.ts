import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { AuditEventInput } from "@/lib/audit/record-event";
import type { Executor } from "@/lib/db";
import type { WebhookEventType } from "./event-types";
import type { WEBHOOK_TEST_EVENT } from "./event-types";

/**
 * The outbox (PRODUCT.md, "Signed event stream"): an event is written in the transaction of the
 * change it describes — pass that transaction — so it exists if and only if the change committed.
 * With it, one pending delivery per enabled endpoint of the organisation that subscribes to its
 * type; the jobs runner sends them (deliver.ts).
 */

export interface WebhookEventInput {
  orgId: string;
  type: WebhookEventType | typeof WEBHOOK_TEST_EVENT;
  /** The body's `data`: ids and names only — never a secret, a key's hash, a PIN or a session. */
  data: Record<string, unknown>;
  /** Exactly these endpoints of the organisation (enabled ones), whatever they subscribe to: "Send test event". */
  endpointIds?: string[];
  /**
   * Makes the event once-only: the same key gives the same event id, and a second enqueue of it
   * writes nothing (the jobs' events, which several runners may find at once).
   */
  dedupeKey?: string;
}

/** A UUID (version 8, name-based) that the same text always gives. */
export function uuidFromText(text: string): string {
  const bytes = createHash("sha256").update(text, "utf8").digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Writes the event and its deliveries in one statement, and returns the event's id — or null when
 * no endpoint wants it (nothing is written: the common case of an organisation without endpoints
 * costs this one query) or a once-only event was written before.
 */
export async function enqueueWebhookEvent(db: Executor, input: WebhookEventInput): Promise<string | null> {
  if (input.endpointIds && input.endpointIds.length === 0) return null;
  const id = input.dedupeKey ? uuidFromText(`webhook-event:${input.dedupeKey}`) : randomUUID();
  const wanted = input.endpointIds ? sql`id = any(string_to_array(${input.endpointIds.join(",")}, ',')::uuid[])` : sql`${input.type} = any(event_types)`;
  const result = await db.execute<{ id: string }>(sql`
    with endpoint as (
      select id from webhook_endpoints where org_id = ${input.orgId} and status = 'enabled' and ${wanted}
    ), event as (
      insert into webhook_events (id, org_id, type, payload)
      select ${id}, ${input.orgId}, ${input.type}, ${JSON.stringify(input.data)}::jsonb
      where exists (select 1 from endpoint)
      on conflict (id) do nothing
      returning id
    ), delivery as (
      insert into webhook_deliveries (org_id, endpoint_id, event_id)
      select ${input.orgId}, endpoint.id, event.id from endpoint cross join event
      returning 1
    )
    select id from event`);
  return result.rows[0]?.id ?? null;
}

/** Which event a successful audited change is, by its audit action. */
const EVENT_OF_ACTION: Record<string, WebhookEventType> = {
  "key.create": "key.created",
  "key.renew": "key.renewed",
  "key.renew_narrower": "key.renewed",
  "key.regenerate": "key.regenerated",
  "key.delete": "key.deleted",
  "key.reject": "key.deleted",
  "key.approval_expired": "key.deleted",
  "key.leaked": "key.leaked",
  "key.report_leaked": "key.leaked",
  "member.invite": "member.invited",
  "member.role_change": "member.role_changed",
  "member.superadmin_handover": "member.role_changed",
  "member.remove": "member.removed",
  "api.payment_create": "payment.pending",
  "payment.approve": "payment.approved",
  "payment.reject": "payment.rejected",
  "credentials.rotate": "credentials.rotated",
};

/**
 * The audit metadata a payload may carry: names, prefixes, counts, amounts, dates, reasons. A
 * whitelist, so that a field added to an audit row later stays out of payloads until it is judged.
 */
const PAYLOAD_FIELDS = new Set([
  "alias",
  "prefix",
  "previousPrefix",
  "mode",
  "permissions",
  "accounts",
  "pendingApproval",
  "expiresAt",
  "previousExpiry",
  "previousSecretWorksUntil",
  "wasLeaked",
  "newKeyId",
  "newAlias",
  "kept",
  "dropped",
  "overlap",
  "retiresAt",
  "url",
  "source",
  "tokenType",
  "email",
  "role",
  "from",
  "to",
  "application",
  "amount",
  "currency",
  "beneficiary",
  "reason",
]);

/** The webhook event an audit row stands for, or null (most rows: sign-ins, views, settings). */
export function webhookEventForAudit(event: AuditEventInput): WebhookEventInput | null {
  if (!event.orgId) return null;
  const type = event.outcome === "denied" ? "audit.refused" : event.outcome === "success" ? EVENT_OF_ACTION[event.action] : undefined;
  if (!type) return null;
  const details: Record<string, string | number | boolean | null> = {};
  for (const [field, value] of Object.entries(event.metadata ?? {})) if (PAYLOAD_FIELDS.has(field)) details[field] = value;
  return {
    orgId: event.orgId,
    type,
    data: {
      organisationId: event.orgId,
      action: event.action,
      ...(event.outcome === "denied" ? { outcome: "denied" } : {}),
      target: { type: event.targetType ?? null, id: event.targetId ?? null },
      actor: { userId: event.actorUserId ?? null, apiKeyId: event.actorKeyId ?? null, label: event.actorLabel },
      requestId: event.requestId,
      details,
    },
  };
}
