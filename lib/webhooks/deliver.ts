import "server-only";
import { randomInt, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { recordAuditEvent } from "@/lib/audit/record-event";
import type { Database, Executor } from "@/lib/db";
import { notifications } from "@/lib/db/schema";
import { formatDateTime } from "@/lib/format";
import { queueEmail } from "@/lib/mail/outbox";
import { portalOrigin } from "@/lib/mail/portal-origin";
import { describeFailure } from "@/lib/errors";
import { log } from "@/lib/observability/log";
import type { Resolver } from "./destination";
import { sendWebhook, type SendResult } from "./send";
import { webhookBody, webhookHeaders } from "./sign";

/**
 * The delivery loop the jobs runner calls (lib/jobs/run-jobs.ts). Safe on any number of instances:
 *
 * - A runner claims due deliveries in one statement (`FOR UPDATE SKIP LOCKED`) and, in the same
 *   statement, leases them: `next_attempt_at` moves past the attempt's timeout. Another runner
 *   never sends the same attempt at the same time; a runner that dies mid-attempt leaves a row that
 *   comes due again when the lease ends — a retry, never a loss. The lease is also a fence: a
 *   runner that outlived its lease records its attempt but no longer decides the delivery's fate.
 * - At most one delivery per endpoint is in flight in a runner, oldest event first; different
 *   endpoints go concurrently (up to `concurrency`), so a slow or dead endpoint (10 s timeout)
 *   never delays the others.
 * - 2xx: delivered. 410: the endpoint is disabled ('gone') and its pending deliveries fail. Anything
 *   else: retried with exponential backoff and jitter (30 s × 2ⁿ, at most 6 hours apart) until 3 days
 *   after the delivery was created, then failed. An endpoint failing for 3 days is disabled
 *   ('failing'), audited, and its admins (members with webhooks:manage) told by bell and e-mail.
 */

export const LEASE_MS = 60_000;
export const GIVE_UP_AFTER_MS = 3 * 24 * 60 * 60 * 1000;
export const FAILING_DISABLE_AFTER_MS = 3 * 24 * 60 * 60 * 1000;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 6 * 60 * 60 * 1000;

export interface DeliverOptions {
  /** A fixed clock (tests); the real time otherwise. */
  now?: Date;
  /** The most attempts this call makes. */
  limit?: number;
  /** The most attempts in flight at once (each to a different endpoint). */
  concurrency?: number;
  /** Stops claiming new attempts after this long; attempts in flight finish. */
  budgetMs?: number;
  timeoutMs?: number;
  resolve?: Resolver;
}

export interface DeliverResult {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
  endpointsDisabled: number;
}

/** The wait before retry n (1 = after the first attempt): 30 s × 2ⁿ⁻¹, capped, with half of it random. */
export function backoffMs(attempts: number, random = randomInt(1_000_000) / 1_000_000): number {
  const full = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
  return Math.round(full / 2 + (full / 2) * random);
}

export type ClaimedDelivery = {
  id: string;
  endpoint_id: string;
  event_id: string;
  org_id: string;
  attempts: number;
  created_at: Date | string;
  type: string;
  payload: Record<string, unknown>;
  occurred_at: Date | string;
  url: string;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | string | null;
};

const iso = (date: Date) => date.toISOString();

/**
 * Claims and leases up to `count` due deliveries, at most one per endpoint and none of `busy`'s
 * endpoints. Exported for the tests and the benchmark (a runner that claims and then dies).
 */
export async function claimDueDeliveries(
  db: Database,
  now: Date,
  count: number,
  busy: Iterable<string>,
): Promise<{ rows: ClaimedDelivery[]; leaseUntil: Date }> {
  const leaseUntil = new Date(now.getTime() + LEASE_MS);
  const result = await bookkeeping(db, (tx) =>
    tx.execute<ClaimedDelivery>(sql`
    with picked as (
      select d.id from webhook_deliveries d
      join webhook_endpoints e on e.id = d.endpoint_id and e.status = 'enabled'
      where d.status = 'pending' and d.next_attempt_at <= ${iso(now)}::timestamptz
        and d.endpoint_id <> all(string_to_array(${[...busy].join(",")}, ',')::uuid[])
        and d.id in (
          select distinct on (endpoint_id) id from webhook_deliveries
          where status = 'pending' and next_attempt_at <= ${iso(now)}::timestamptz
          order by endpoint_id, created_at, id
        )
      order by d.next_attempt_at
      limit ${count}
      for update of d skip locked
    )
    update webhook_deliveries d
    set next_attempt_at = ${iso(leaseUntil)}::timestamptz, attempts = d.attempts + 1, last_attempt_at = ${iso(now)}::timestamptz
    from picked, webhook_events ev, webhook_endpoints e
    where d.id = picked.id and ev.id = d.event_id and e.id = d.endpoint_id
    returning d.id, d.endpoint_id, d.event_id, d.org_id, d.attempts, d.created_at, ev.type, ev.payload, ev.occurred_at,
      e.url, e.secret_sealed, e.previous_secret_sealed, e.previous_secret_expires_at`),
  );
  return { rows: result.rows, leaseUntil };
}

type Outcome = "delivered" | "retrying" | "failed";

/**
 * The delivery's own bookkeeping (a lease, an attempt and its outcome) commits without waiting for
 * the disk: a database crash can lose its last milliseconds, which only means an attempt is made
 * again — at least once, as before — and it saves a disk flush per claim and per attempt.
 * Disabling an endpoint, its audit row and its notices commit as usual.
 */
async function bookkeeping<T>(db: Database, run: (tx: Executor) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local synchronous_commit = off`);
    return run(tx);
  });
}

async function attempt(
  db: Database,
  claimed: ClaimedDelivery,
  leaseUntil: Date,
  options: DeliverOptions,
  clock: () => Date,
): Promise<{ outcome: Outcome; disabled: boolean }> {
  const now = clock();
  const body = webhookBody({ type: claimed.type, occurredAt: new Date(claimed.occurred_at), payload: claimed.payload });
  let headers: Record<string, string> = { "content-type": "application/json", "user-agent": "Latchkey-Webhooks/1" };
  let result: SendResult;
  try {
    headers = {
      ...headers,
      ...webhookHeaders(
        {
          id: claimed.endpoint_id,
          secretSealed: claimed.secret_sealed,
          previousSecretSealed: claimed.previous_secret_sealed,
          previousSecretExpiresAt: claimed.previous_secret_expires_at ? new Date(claimed.previous_secret_expires_at) : null,
        },
        claimed.event_id,
        body,
        now,
      ),
    };
  } catch (error) {
    log().error({ endpointId: claimed.endpoint_id, error: describeFailure(error) }, "webhook signing secret does not open");
    result = {
      statusCode: null,
      responseBody: null,
      durationMs: 0,
      error: "The endpoint's signing secret could not be opened (was LATCHKEY_ENCRYPTION_KEY changed?); nothing was sent.",
    };
    return settle(db, claimed, leaseUntil, headers, body, result, clock());
  }
  result = await sendWebhook(claimed.url, headers, body, { timeoutMs: options.timeoutMs, resolve: options.resolve });
  return settle(db, claimed, leaseUntil, headers, body, result, clock());
}

/**
 * Records the attempt and decides the delivery's fate (and the endpoint's health) in one statement
 * — one round trip and one commit for the common cases; disabling an endpoint takes a transaction.
 */
async function settle(
  db: Database,
  claimed: ClaimedDelivery,
  leaseUntil: Date,
  headers: Record<string, string>,
  body: string,
  result: SendResult,
  now: Date,
): Promise<{ outcome: Outcome; disabled: boolean }> {
  const status = result.statusCode;
  const attempt = sql`insert into webhook_attempts (delivery_id, attempted_at, duration_ms, request_headers, request_body, status_code, response_body, error)
    values (${claimed.id}, ${iso(now)}::timestamptz, ${result.durationMs}, ${JSON.stringify(headers)}::jsonb, ${body}, ${status}, ${result.responseBody}, ${result.error})`;
  const fenced = sql`id = ${claimed.id} and status = 'pending' and next_attempt_at = ${iso(leaseUntil)}::timestamptz`;

  if (status !== null && status >= 200 && status < 300 && result.error === null) {
    await bookkeeping(db, (tx) =>
      tx.execute(sql`
      with attempt as (${attempt}),
      delivery as (update webhook_deliveries set status = 'delivered', delivered_at = ${iso(now)}::timestamptz, last_status_code = ${status} where ${fenced}),
      endpoint as (update webhook_endpoints set failing_since = null where id = ${claimed.endpoint_id} and failing_since is not null)
      select 1`),
    );
    return { outcome: "delivered", disabled: false };
  }
  if (status === 410) {
    return db.transaction(async (tx) => {
      await tx.execute(sql`with attempt as (${attempt}) update webhook_deliveries set status = 'failed', last_status_code = 410 where ${fenced}`);
      const disabled = await disableEndpoint(tx, claimed.endpoint_id, "gone", now);
      return { outcome: "failed" as const, disabled };
    });
  }
  const deadline = new Date(claimed.created_at).getTime() + GIVE_UP_AFTER_MS;
  const giveUp = now.getTime() >= deadline;
  const next = new Date(Math.min(deadline, now.getTime() + backoffMs(claimed.attempts)));
  const endpoint = await bookkeeping(db, (tx) =>
    tx.execute<{ failing_since: Date | string; status: string }>(sql`
    with attempt as (${attempt}),
    delivery as (
      update webhook_deliveries
      set status = ${giveUp ? "failed" : "pending"}, next_attempt_at = ${iso(giveUp ? leaseUntil : next)}::timestamptz, last_status_code = ${status}
      where ${fenced}
    )
    update webhook_endpoints set failing_since = coalesce(failing_since, ${iso(now)}::timestamptz) where id = ${claimed.endpoint_id}
    returning failing_since, status`),
  );
  const row = endpoint.rows[0];
  let disabled = false;
  if (row && row.status === "enabled" && now.getTime() - new Date(row.failing_since).getTime() >= FAILING_DISABLE_AFTER_MS)
    disabled = await db.transaction((tx) => disableEndpoint(tx, claimed.endpoint_id, "failing", now));
  return { outcome: giveUp || disabled ? "failed" : "retrying", disabled };
}

type DisabledEndpoint = {
  id: string;
  org_id: string;
  url: string;
  description: string;
  org_name: string;
};

/**
 * Disables an endpoint for a reason of the receiver's ('gone': it answered 410; 'failing': 3 days of
 * failures), fails its pending deliveries, and audits it; for 'failing', tells its admins by bell
 * and e-mail. Returns false when it was no longer enabled (another runner got there first).
 */
export async function disableEndpoint(tx: Executor, endpointId: string, reason: "gone" | "failing", now: Date): Promise<boolean> {
  const updated = await tx.execute<DisabledEndpoint>(sql`
    update webhook_endpoints e set status = 'disabled', disabled_reason = ${reason}, disabled_at = ${iso(now)}::timestamptz, updated_at = ${iso(now)}::timestamptz
    from organisations o
    where e.id = ${endpointId} and e.status = 'enabled' and o.id = e.org_id
    returning e.id, e.org_id, e.url, e.description, o.name as org_name`);
  const endpoint = updated.rows[0];
  if (!endpoint) return false;
  await tx.execute(sql`update webhook_deliveries set status = 'failed' where endpoint_id = ${endpointId} and status = 'pending'`);
  // The host only: a URL's path or query may hold the receiver's own token.
  const host = new URL(endpoint.url).host;
  await recordAuditEvent(tx, {
    orgId: endpoint.org_id,
    actorLabel: "Latchkey (webhook delivery)",
    action: "webhook.endpoint_disabled",
    targetType: "webhook_endpoint",
    targetId: endpoint.id,
    outcome: "success",
    requestId: randomUUID(),
    metadata: { host, reason },
  });
  if (reason === "failing") await tellAdmins(tx, endpoint, host, now);
  return true;
}

async function tellAdmins(tx: Executor, endpoint: DisabledEndpoint, host: string, now: Date) {
  const admins = await tx.execute<{ user_id: string; email: string }>(sql`
    select u.id as user_id, u.email from memberships m
    join roles r on r.id = m.role_id and 'webhooks:manage' = any(r.permissions)
    join users u on u.id = m.user_id
    where m.org_id = ${endpoint.org_id}`);
  const named = endpoint.description ? `“${endpoint.description}” (${host})` : host;
  const title = `Webhook endpoint ${named} was disabled`;
  const body = `Deliveries to the webhook endpoint ${named} of ${endpoint.org_name} failed for 3 days, so Latchkey disabled it on ${formatDateTime(now)}. Events are no longer sent to it. Fix the receiver, then enable the endpoint again on the Webhooks page.`;
  for (const admin of admins.rows) {
    const dedupeKey = `webhook-disabled:${endpoint.id}:${admin.user_id}:${iso(now)}`;
    const [notification] = await tx
      .insert(notifications)
      .values({
        orgId: endpoint.org_id,
        userId: admin.user_id,
        kind: "webhook_disabled",
        subjectType: "webhook_endpoint",
        subjectId: endpoint.id,
        dedupeKey,
        title,
        body,
      })
      .onConflictDoNothing({ target: notifications.dedupeKey })
      .returning({ id: notifications.id });
    if (notification)
      await queueEmail(tx, { dedupeKey, to: admin.email, subject: `Latchkey: ${title}`, body: `${body}\n\nWebhooks: ${portalOrigin()}/webhooks` });
  }
}

/**
 * Sends due webhook deliveries until none is due, `limit` attempts were made, or `budgetMs` passed.
 * Each endpoint has at most one attempt in flight; different endpoints go concurrently.
 */
export async function deliverWebhooks(db: Database, options: DeliverOptions = {}): Promise<DeliverResult> {
  const limit = options.limit ?? 1000;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const budgetMs = options.budgetMs ?? 50_000;
  const clock = () => options.now ?? new Date();
  const startedAt = performance.now();
  const result: DeliverResult = { attempted: 0, delivered: 0, retrying: 0, failed: 0, endpointsDisabled: 0 };
  const inFlight = new Map<string, Promise<void>>();

  while (true) {
    const room = Math.min(concurrency - inFlight.size, limit - result.attempted);
    if (room > 0 && performance.now() - startedAt < budgetMs) {
      const { rows, leaseUntil } = await claimDueDeliveries(db, clock(), room, inFlight.keys());
      for (const claimed of rows) {
        result.attempted += 1;
        const run = attempt(db, claimed, leaseUntil, options, clock)
          .then(({ outcome, disabled }) => {
            result[outcome] += 1;
            if (disabled) result.endpointsDisabled += 1;
          })
          .catch((error) => {
            // Not recorded: the lease ends and the delivery comes due again.
            log().error({ deliveryId: claimed.id, error: describeFailure(error) }, "webhook attempt could not be recorded");
          })
          .finally(() => {
            inFlight.delete(claimed.endpoint_id);
          });
        inFlight.set(claimed.endpoint_id, run);
      }
    }
    // Nothing in flight after a claim: nothing is due (or the limit or budget is reached).
    if (inFlight.size === 0) break;
    // When one finishes, its endpoint's next event (or another endpoint's) may be claimed.
    await Promise.race(inFlight.values());
  }
  return result;
}
