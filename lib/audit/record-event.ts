import "server-only";
import type { Actor } from "@/lib/auth/actor";
import type { Executor } from "@/lib/db";
import { auditEvents } from "@/lib/db/schema";
import { enqueueWebhookEvent, webhookEventForAudit } from "@/lib/webhooks/outbox";

export interface AuditEventInput {
  orgId?: string | null;
  actorUserId?: string | null;
  actorKeyId?: string | null;
  actorLabel: string;
  ip?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  outcome: "success" | "denied" | "failure";
  requestId: string;
  /** Never a secret, a hash or a PIN. */
  metadata?: Record<string, string | number | boolean | null>;
  /** The passkey that confirmed the change (from the request, see `actorFields`): named in the row's metadata. */
  confirmedWith?: PasskeyConfirmation;
}

/** The passkey a member confirmed a command with, instead of the PIN. */
export interface PasskeyConfirmation {
  passkeyId: string;
  name: string;
}

/**
 * Appends one audit row; pass the transaction that makes the change so both commit together. The
 * database's chain trigger links it into its organisation's hash chain (lib/audit/verify-chain.ts),
 * holding that chain's head until the transaction ends — so record the event late in a transaction.
 *
 * A change the organisation's webhooks stream (key created, member removed, a refusal…) also writes
 * its webhook event here, in the same transaction (lib/webhooks/outbox.ts): one cheap query, which
 * writes nothing when no endpoint of the organisation wants it.
 */
export async function recordAuditEvent(db: Executor, event: AuditEventInput): Promise<void> {
  await db.insert(auditEvents).values({
    orgId: event.orgId ?? null,
    actorUserId: event.actorUserId ?? null,
    actorKeyId: event.actorKeyId ?? null,
    actorLabel: event.actorLabel,
    ip: event.ip ?? null,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    outcome: event.outcome,
    requestId: event.requestId,
    metadata: event.confirmedWith
      ? { ...event.metadata, confirmedWith: "passkey", passkey: event.confirmedWith.name, passkeyId: event.confirmedWith.passkeyId }
      : (event.metadata ?? {}),
  });
  const webhook = webhookEventForAudit(event);
  if (webhook) await enqueueWebhookEvent(db, webhook);
}

/** Where a request came from and which it was: what every audited change needs to know. */
export interface RequestInfo {
  ip: string | null;
  requestId: string;
  /** Set by a command confirmed with a passkey, for its change alone: every audit row the change writes names the passkey. */
  confirmedWith?: PasskeyConfirmation;
}

/** The fields of an audit event that say who acted, from where, in which request. */
export function actorFields(actor: Actor, context: RequestInfo) {
  return {
    orgId: actor.org?.id ?? null,
    actorUserId: actor.user.id,
    actorLabel: actor.user.email,
    ip: context.ip,
    requestId: context.requestId,
    confirmedWith: context.confirmedWith,
  };
}
