import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { type Database, getDb } from "@/lib/db";
import { openDatabase } from "@/lib/db/client";
import {
  apiKeys,
  auditEvents,
  emailOutbox,
  notifications,
  organisations,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  webhookEvents,
} from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { runExpiryReminders } from "@/lib/jobs/expiry-reminders";
import { createKey } from "@/lib/keys/create-key";
import { deleteKey } from "@/lib/keys/delete-key";
import type { TestDatabase } from "@/lib/test/database";
import { actorFor, context, db } from "@/lib/test/helpers";
import { makeKey, memberWithPermissions, pinOf, validKeyInput } from "@/lib/test/keys";
import { insertEndpoint, startReceiver, webhookTestEnv, type ReceiverAnswer, type ReceivedWebhook } from "@/lib/test/webhooks";
import { claimDueDeliveries, deliverWebhooks, LEASE_MS } from "@/lib/webhooks/deliver";
import { enqueueWebhookEvent } from "@/lib/webhooks/outbox";
import { sealWebhookSecret, generateWebhookSecret } from "@/lib/webhooks/secret";

const NALEDI = "naledi@acme.example";
const DAY = 86_400_000;

let restoreEnv: () => void;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
/** What the receiver answers next, per path; 200 by default. */
let answers: ((request: ReceivedWebhook) => ReceiverAnswer) | null = null;
let acmeId: string;
let nkosiId: string;

beforeAll(async () => {
  restoreEnv = webhookTestEnv({ allowPrivate: true });
  receiver = await startReceiver((request) => answers?.(request) ?? { status: 200, body: "thanks" });
  await seedDemoData(db());
  const orgs = await db().select({ id: organisations.id, name: organisations.name }).from(organisations);
  acmeId = orgs.find((o) => o.name === ORG_NAMES.acme)!.id;
  nkosiId = orgs.find((o) => o.name === ORG_NAMES.nkosi)!.id;
});

afterAll(async () => {
  restoreEnv();
  await receiver.close();
});

beforeEach(async () => {
  answers = null;
  // Each test starts with no endpoints and nothing waiting.
  await db().delete(webhookEndpoints);
  await db().delete(webhookEvents);
});

/** The receiver's URL under a path. */
const at = (path: string) => receiver.url.replace(/\/hooks$/, `/${path}`);
/** One endpoint's URL: the receiver tells endpoints apart by it. */
const endpointUrl = (name: string) => `${at("hooks")}?to=${name}`;

describe("a key created in the portal arrives as key.created, signed", () => {
  it("verifies with standardwebhooks and svix, carries ids and names, never the secret or its hash, and only to the key's organisation", async () => {
    const acme = await insertEndpoint(acmeId, endpointUrl("acme"), { eventTypes: ["key.created", "key.deleted"] });
    const other = await insertEndpoint(acmeId, endpointUrl("acme-members"), { eventTypes: ["member.invited"] });
    const nkosi = await insertEndpoint(nkosiId, endpointUrl("nkosi"), { eventTypes: ["key.created"] });
    const before = receiver.received.length;

    const naledi = await actorFor(NALEDI);
    const created = await createKey(db(), naledi, { ...(await validKeyInput(naledi, { alias: "Webhook key" })), pin: pinOf(NALEDI) }, context);
    const deliveries = await db().select().from(webhookDeliveries);
    expect(deliveries.map((d) => d.endpointId)).toEqual([acme.id]);

    const result = await deliverWebhooks(getDb());
    expect(result).toMatchObject({ attempted: 1, delivered: 1, failed: 0, retrying: 0 });
    const got = receiver.received.slice(before);
    expect(got).toHaveLength(1);
    const message = got[0]!;

    const headers = {
      "webhook-id": message.headers["webhook-id"]!,
      "webhook-timestamp": message.headers["webhook-timestamp"]!,
      "webhook-signature": message.headers["webhook-signature"]!,
    };
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new StandardWebhook(acme.secret).verify(message.body, headers)).toMatchObject({ type: "key.created" });
    expect(() => new SvixWebhook(acme.secret).verify(message.body, headers)).not.toThrow();
    // Another endpoint's secret does not verify it.
    expect(() => new StandardWebhook(nkosi.secret).verify(message.body, headers)).toThrow();
    expect(() => new StandardWebhook(acme.secret).verify(message.body.replace("Webhook key", "Webhook kez"), headers)).toThrow();

    const body = JSON.parse(message.body);
    const [event] = await db().select().from(webhookEvents);
    expect(headers["webhook-id"]).toBe(event!.id);
    expect(body).toEqual({
      type: "key.created",
      timestamp: event!.occurredAt.toISOString(),
      data: {
        organisationId: acmeId,
        action: "key.create",
        target: { type: "api_key", id: created.id },
        actor: { userId: naledi.user.id, apiKeyId: null, label: NALEDI },
        requestId: context.requestId,
        details: expect.objectContaining({ alias: "Webhook key", prefix: created.prefix, mode: "live" }),
      },
    });
    const [row] = await db().select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(message.body).not.toContain(created.key);
    expect(message.body).not.toContain(created.key.slice(created.prefix.length));
    expect(message.body).not.toContain(row!.secretHash);
    expect(message.body).not.toContain(pinOf(NALEDI));
    // The attempt is logged as sent, and the delivery is done.
    const [attempt] = await db().select().from(webhookAttempts);
    expect(attempt).toMatchObject({ statusCode: 200, responseBody: "thanks", error: null, requestBody: message.body });
    expect(attempt!.requestHeaders["webhook-signature"]).toBe(headers["webhook-signature"]);
    const [delivery] = await db().select().from(webhookDeliveries);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200 });
    expect(other.id).not.toBe(acme.id);
  });

  it("an organisation without endpoints gets no event row at all", async () => {
    await makeKey(NALEDI);
    expect(await db().select().from(webhookEvents)).toEqual([]);
  });

  it("a refusal the audit log records arrives as audit.refused", async () => {
    const endpoint = await insertEndpoint(acmeId, endpointUrl("refused"), { eventTypes: ["audit.refused"] });
    const viewer = await memberWithPermissions(acmeId, ["keys:view"], `Webhook viewer ${randomUUID().slice(0, 6)}`);
    await expect(createKey(db(), viewer, { ...(await validKeyInput(viewer)), pin: "482915" }, context)).rejects.toThrow();
    const events = await db().select().from(webhookEvents);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "audit.refused", orgId: acmeId });
    expect(events[0]!.payload).toMatchObject({ action: "key.create", outcome: "denied", actor: { userId: viewer.user.id } });
    const [delivery] = await db().select().from(webhookDeliveries);
    expect(delivery!.endpointId).toBe(endpoint.id);
  });
});

describe("secret rotation", () => {
  it("sends both signatures for 24 hours, each secret alone verifies, then only the new one", async () => {
    const endpoint = await insertEndpoint(acmeId, endpointUrl("rotated"), { eventTypes: ["key.created"] });
    const fresh = generateWebhookSecret();
    await db()
      .update(webhookEndpoints)
      .set({
        secretSealed: sealWebhookSecret(fresh, endpoint.id),
        previousSecretSealed: sealWebhookSecret(endpoint.secret, endpoint.id),
        previousSecretExpiresAt: new Date(Date.now() + DAY),
      })
      .where(eq(webhookEndpoints.id, endpoint.id));
    const before = receiver.received.length;
    await makeKey(NALEDI);
    await deliverWebhooks(getDb());
    const [message] = receiver.received.slice(before);
    const signatures = message!.headers["webhook-signature"]!.split(" ");
    expect(signatures).toHaveLength(2);
    for (const signature of signatures) expect(signature).toMatch(/^v1,/);
    for (const secret of [fresh, endpoint.secret]) {
      const headers = { ...message!.headers };
      expect(new StandardWebhook(secret).verify(message!.body, headers)).toBeTruthy();
      expect(() => new SvixWebhook(secret).verify(message!.body, headers)).not.toThrow();
    }
    // The new secret's signature comes first, and each verifies on its own.
    const only = (signature: string) => ({ ...message!.headers, "webhook-signature": signature });
    expect(() => new StandardWebhook(fresh).verify(message!.body, only(signatures[0]!))).not.toThrow();
    expect(() => new StandardWebhook(endpoint.secret).verify(message!.body, only(signatures[1]!))).not.toThrow();
    expect(() => new StandardWebhook(fresh).verify(message!.body, only(signatures[1]!))).toThrow();

    // After the overlap: one signature, the new secret's.
    await db()
      .update(webhookEndpoints)
      .set({ previousSecretExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(webhookEndpoints.id, endpoint.id));
    const after = receiver.received.length;
    await makeKey(NALEDI);
    await deliverWebhooks(getDb());
    const [later] = receiver.received.slice(after);
    expect(later!.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(() => new StandardWebhook(fresh).verify(later!.body, later!.headers)).not.toThrow();
    expect(() => new StandardWebhook(endpoint.secret).verify(later!.body, later!.headers)).toThrow();
  });

  it("a sealed secret moved to another endpoint's row does not open: that delivery fails without sending", async () => {
    const a = await insertEndpoint(acmeId, endpointUrl("moved-a"), { eventTypes: ["key.created"] });
    const b = await insertEndpoint(acmeId, endpointUrl("moved-b"), { eventTypes: ["key.created"] });
    const [rowA] = await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, a.id));
    await db().update(webhookEndpoints).set({ secretSealed: rowA!.secretSealed }).where(eq(webhookEndpoints.id, b.id));
    const before = receiver.received.length;
    await makeKey(NALEDI);
    const result = await deliverWebhooks(getDb());
    expect(result).toMatchObject({ attempted: 2, delivered: 1, retrying: 1 });
    expect(receiver.received.length - before).toBe(1);
    const [failed] = await db()
      .select()
      .from(webhookAttempts)
      .innerJoin(webhookDeliveries, eq(webhookDeliveries.id, webhookAttempts.deliveryId))
      .where(eq(webhookDeliveries.endpointId, b.id));
    expect(failed!.webhook_attempts.error).toMatch(/signing secret could not be opened/);
    expect(failed!.webhook_attempts.statusCode).toBeNull();
  });
});

describe("retries", () => {
  it("500 then 200: the same webhook-id twice, two attempts in the log, delivered", async () => {
    await insertEndpoint(acmeId, endpointUrl("flaky"), { eventTypes: ["key.created"] });
    let calls = 0;
    answers = () => (calls++ === 0 ? { status: 500, body: "oops" } : { status: 204 });
    const before = receiver.received.length;
    await makeKey(NALEDI);
    const first = await deliverWebhooks(getDb());
    expect(first).toMatchObject({ attempted: 1, retrying: 1 });
    const [pending] = await db().select().from(webhookDeliveries);
    expect(pending).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });
    // Backoff with jitter: 15 to 30 s after the first failure.
    const wait = pending!.nextAttemptAt.getTime() - pending!.lastAttemptAt!.getTime();
    expect(wait).toBeGreaterThanOrEqual(15_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    const [endpoint] = await db().select().from(webhookEndpoints);
    expect(endpoint!.failingSince).not.toBeNull();
    // Not due yet: nothing is sent.
    expect(await deliverWebhooks(getDb())).toMatchObject({ attempted: 0 });

    const second = await deliverWebhooks(getDb(), { now: new Date(Date.now() + 60_000) });
    expect(second).toMatchObject({ attempted: 1, delivered: 1 });
    const got = receiver.received.slice(before);
    expect(got).toHaveLength(2);
    expect(got[0]!.headers["webhook-id"]).toBe(got[1]!.headers["webhook-id"]);
    expect(got[0]!.body).toBe(got[1]!.body);
    const attempts = await db().select().from(webhookAttempts).orderBy(webhookAttempts.attemptedAt);
    expect(attempts.map((a) => [a.statusCode, a.responseBody])).toEqual([
      [500, "oops"],
      [204, ""],
    ]);
    expect(attempts[0]!.error).toBe("The receiver answered 500.");
    const [delivered] = await db().select().from(webhookDeliveries);
    expect(delivered).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 204 });
    const [healthy] = await db().select().from(webhookEndpoints);
    expect(healthy!.failingSince).toBeNull();
  });

  it("gives a delivery up 3 days after it was created", async () => {
    await insertEndpoint(acmeId, endpointUrl("down"), { eventTypes: ["key.created"] });
    answers = () => ({ status: 503 });
    await makeKey(NALEDI);
    await deliverWebhooks(getDb());
    // Healthy for others meanwhile: the endpoint is not 3 days failing yet at 2 days.
    await db().update(webhookEndpoints).set({ failingSince: null });
    const late = await deliverWebhooks(getDb(), { now: new Date(Date.now() + 3 * DAY + 60_000) });
    expect(late).toMatchObject({ attempted: 1, failed: 1 });
    const [delivery] = await db().select().from(webhookDeliveries);
    expect(delivery!.status).toBe("failed");
  });

  it("a redirect is a failed attempt, not followed", async () => {
    await insertEndpoint(acmeId, endpointUrl("moved"), { eventTypes: ["key.created"] });
    answers = (r) => (r.path === "/elsewhere" ? { status: 200 } : { status: 301, headers: { location: at("elsewhere") } });
    const before = receiver.received.length;
    await makeKey(NALEDI);
    expect(await deliverWebhooks(getDb())).toMatchObject({ retrying: 1, delivered: 0 });
    expect(receiver.received.slice(before).map((r) => r.path)).toEqual(["/hooks?to=moved"]);
    const [attempt] = await db().select().from(webhookAttempts);
    expect(attempt).toMatchObject({ statusCode: 301, error: expect.stringContaining("redirects are not followed") });
  });
});

describe("endpoints disabled by their receiver", () => {
  it("410 disables the endpoint ('gone'), fails its pending deliveries, and audits it", async () => {
    const endpoint = await insertEndpoint(acmeId, endpointUrl("gone"), { eventTypes: ["key.created"] });
    answers = () => ({ status: 410 });
    await makeKey(NALEDI);
    await makeKey(NALEDI);
    const result = await deliverWebhooks(getDb());
    expect(result).toMatchObject({ attempted: 1, failed: 1, endpointsDisabled: 1 });
    const [row] = await db().select().from(webhookEndpoints);
    expect(row).toMatchObject({ status: "disabled", disabledReason: "gone" });
    const deliveries = await db().select().from(webhookDeliveries);
    expect(deliveries.map((d) => d.status)).toEqual(["failed", "failed"]);
    const [audit] = await db().select().from(auditEvents).where(eq(auditEvents.targetId, endpoint.id));
    expect(audit).toMatchObject({ action: "webhook.endpoint_disabled", orgId: acmeId, metadata: { reason: "gone", host: new URL(endpointUrl("x")).host } });
    // A disabled endpoint gets nothing new, and what is pending is not sent.
    await makeKey(NALEDI);
    expect(await db().select().from(webhookDeliveries)).toHaveLength(2);
    expect(await deliverWebhooks(getDb(), { now: new Date(Date.now() + DAY) })).toMatchObject({ attempted: 0 });
  });

  it("an endpoint failing for 3 days is disabled, its admins told by bell and e-mail", async () => {
    const endpoint = await insertEndpoint(acmeId, endpointUrl("dead"), { eventTypes: ["key.created"], description: "SIEM" });
    answers = () => ({ status: 500 });
    await makeKey(NALEDI);
    expect(await deliverWebhooks(getDb())).toMatchObject({ retrying: 1, endpointsDisabled: 0 });
    // A later event, still pending when the endpoint is disabled.
    await makeKey(NALEDI);
    const later = new Date(Date.now() + 3 * DAY + 60_000);
    const result = await deliverWebhooks(getDb(), { now: later, concurrency: 1, limit: 1 });
    expect(result).toMatchObject({ attempted: 1, endpointsDisabled: 1 });
    const [row] = await db().select().from(webhookEndpoints);
    expect(row).toMatchObject({ status: "disabled", disabledReason: "failing" });
    expect((await db().select().from(webhookDeliveries)).map((d) => d.status)).toEqual(["failed", "failed"]);

    const told = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.subjectId, endpoint.id), eq(notifications.kind, "webhook_disabled")));
    const admins = await db().execute<{ email: string }>(sql`
      select u.email from memberships m join roles r on r.id = m.role_id join users u on u.id = m.user_id
      where m.org_id = ${acmeId} and 'webhooks:manage' = any(r.permissions) order by u.email`);
    expect(admins.rows.length).toBeGreaterThan(0);
    expect(told).toHaveLength(admins.rows.length);
    expect(told[0]!.title).toContain("“SIEM”");
    const mails = await db()
      .select()
      .from(emailOutbox)
      .where(sql`${emailOutbox.dedupeKey} like ${`webhook-disabled:${endpoint.id}:%`}`);
    expect(mails.map((m) => m.toAddress).sort()).toEqual(admins.rows.map((a) => a.email));
    expect(mails[0]!.body).toContain("failed for 3 days");
    const [audit] = await db().select().from(auditEvents).where(eq(auditEvents.targetId, endpoint.id));
    expect(audit).toMatchObject({ action: "webhook.endpoint_disabled", metadata: { reason: "failing" } });
  });
});

describe("the outbox is part of the change's transaction", () => {
  it("a rolled-back change leaves no event (and so sends nothing)", async () => {
    await insertEndpoint(acmeId, endpointUrl("rollback"), { eventTypes: ["key.deleted"] });
    const key = await makeKey(NALEDI);
    let seenInside = 0;
    await expect(
      db().transaction(async (tx) => {
        await recordAuditEvent(tx, {
          orgId: acmeId,
          actorLabel: NALEDI,
          action: "key.delete",
          targetType: "api_key",
          targetId: key.id,
          outcome: "success",
          requestId: randomUUID(),
          metadata: { alias: "x", prefix: key.prefix },
        });
        seenInside = (await tx.select().from(webhookEvents)).length;
        throw new Error("the change fails after its audit row");
      }),
    ).rejects.toThrow("the change fails");
    expect(seenInside).toBe(1);
    expect(await db().select().from(webhookEvents)).toEqual([]);
    expect(await db().select().from(webhookDeliveries)).toEqual([]);
    const before = receiver.received.length;
    expect(await deliverWebhooks(getDb())).toMatchObject({ attempted: 0 });
    expect(receiver.received.length).toBe(before);

    // The real command commits: its event is there.
    await deleteKey(db(), await actorFor(NALEDI), { keyId: key.id, confirmAlias: key.alias, pin: pinOf(NALEDI) }, context);
    const [event] = await db().select().from(webhookEvents);
    expect(event).toMatchObject({ type: "key.deleted" });
    expect(event!.payload).toMatchObject({ target: { id: key.id }, details: { prefix: key.prefix } });
  });

  it("Send test event: webhook.test to exactly the endpoints named, whatever they subscribe to, never another organisation's", async () => {
    const a = await insertEndpoint(acmeId, endpointUrl("test-a"), { eventTypes: ["member.invited"] });
    await insertEndpoint(acmeId, endpointUrl("test-b"), { eventTypes: ["member.invited"] });
    const foreign = await insertEndpoint(nkosiId, endpointUrl("test-c"), { eventTypes: ["member.invited"] });
    const id = await enqueueWebhookEvent(db(), { orgId: acmeId, type: "webhook.test", data: { organisationId: acmeId }, endpointIds: [a.id, foreign.id] });
    expect(id).not.toBeNull();
    expect((await db().select().from(webhookDeliveries)).map((d) => d.endpointId)).toEqual([a.id]);
    expect(await enqueueWebhookEvent(db(), { orgId: acmeId, type: "webhook.test", data: {}, endpointIds: [] })).toBeNull();
    expect(await enqueueWebhookEvent(db(), { orgId: acmeId, type: "key.created", data: {} })).toBeNull();
  });
});

describe("jobs' events", () => {
  it("key.expiring and key.frozen are written once per key, threshold and expiry, however often the reminders run", async () => {
    await insertEndpoint(acmeId, endpointUrl("expiry"), { eventTypes: ["key.expiring", "key.frozen"] });
    const expiring = await makeKey(NALEDI);
    const frozen = await makeKey(NALEDI);
    await db()
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() + 10 * DAY) })
      .where(eq(apiKeys.id, expiring.id));
    await db()
      .update(apiKeys)
      .set({ expiresAt: new Date(Date.now() - DAY) })
      .where(eq(apiKeys.id, frozen.id));
    await runExpiryReminders(getDb());
    await runExpiryReminders(getDb());
    await Promise.all([runExpiryReminders(getDb()), runExpiryReminders(getDb())]);
    const events = await db().select().from(webhookEvents);
    const ofKey = (id: string) => events.filter((e) => (e.payload.target as { id: string }).id === id);
    expect(ofKey(expiring.id).map((e) => e.type)).toEqual(["key.expiring"]);
    expect(ofKey(frozen.id).map((e) => e.type)).toEqual(["key.frozen"]);
    expect(ofKey(expiring.id)[0]!.payload).toMatchObject({ details: { alias: expect.any(String), prefix: expiring.prefix, threshold: "14d" } });
    expect(JSON.stringify(events)).not.toContain(expiring.key);
  });
});

describe("several runners", () => {
  let second: Database;
  let closeSecond: () => Promise<void> = async () => {};
  beforeAll(() => {
    // On PostgreSQL the second runner has its own pool, as another instance would; PGlite has one connection.
    const url = (globalThis.__latchkeyDatabase as TestDatabase).url;
    if (url) {
      const handle = openDatabase({ url });
      second = handle.db;
      closeSecond = () => handle.close();
    } else second = getDb();
  });
  afterAll(() => closeSecond());

  it("two runners at once deliver every one of 300 events exactly once, never the same one twice at the same time", async () => {
    const endpoints = await Promise.all(["one", "two", "three"].map((n) => insertEndpoint(acmeId, endpointUrl(`many-${n}`), { eventTypes: ["key.created"] })));
    answers = () => ({ status: 200, delayMs: Math.floor(Math.random() * 3) });
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) ids.push((await enqueueWebhookEvent(db(), { orgId: acmeId, type: "key.created", data: { n: i } }))!);
    const before = receiver.received.length;
    const duplicatesBefore = receiver.state.concurrentDuplicates;
    // Each runner polls as the job loop does, until nothing is pending. A pass ends when its last claim
    // finds nothing it can take — a delivery the other runner is claiming is skipped, not waited for —
    // and on PostgreSQL one was seen to end with one or two of the 300 still due (about 1 run in 6):
    // the next pass takes them, as the job loop's does 50 ms on.
    const pending = async () => (await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.status, "pending"))).length;
    const runner = async (database: Database) => {
      const total = { attempted: 0, delivered: 0 };
      for (let pass = 0; pass < 50; pass++) {
        const result = await deliverWebhooks(database, { concurrency: 4 });
        total.attempted += result.attempted;
        total.delivered += result.delivered;
        if (result.attempted === 0 && (await pending()) === 0) break;
      }
      return total;
    };
    const [a, b] = await Promise.all([runner(getDb()), runner(second)]);
    expect(a.delivered + b.delivered).toBe(300);
    expect(a.attempted + b.attempted).toBe(300);
    const got = receiver.received.slice(before);
    expect(got).toHaveLength(300);
    const perId = new Map<string, number>();
    for (const m of got) perId.set(m.headers["webhook-id"]!, (perId.get(m.headers["webhook-id"]!) ?? 0) + 1);
    expect([...perId.keys()].sort()).toEqual([...ids].sort());
    expect(new Set(perId.values())).toEqual(new Set([3]));
    // Each endpoint got each event once, signed with its own secret.
    for (const [i, endpoint] of endpoints.entries()) {
      const to = got.filter((m) => m.path === `/hooks?to=many-${["one", "two", "three"][i]}`);
      expect(new Set(to.map((m) => m.id)).size).toBe(100);
      const mine = to.filter((m) => {
        try {
          new StandardWebhook(endpoint.secret).verify(m.body, m.headers);
          return true;
        } catch {
          return false;
        }
      });
      expect(mine).toHaveLength(100);
    }
    expect(receiver.state.concurrentDuplicates).toBe(duplicatesBefore);
    const left = await db().select().from(webhookDeliveries).where(sql`${webhookDeliveries.status} <> 'delivered' or ${webhookDeliveries.attempts} <> 1`);
    expect(left).toEqual([]);
  });

  it("a runner that crashed after claiming: nothing is sent while its lease holds, then another runner delivers it", async () => {
    await insertEndpoint(acmeId, endpointUrl("crash"), { eventTypes: ["key.created"] });
    await makeKey(NALEDI);
    const now = new Date();
    const { rows } = await claimDueDeliveries(second, now, 10, []);
    expect(rows).toHaveLength(1);
    // …and the runner dies here. Another runner finds nothing due while the lease holds.
    const before = receiver.received.length;
    expect(await deliverWebhooks(getDb(), { now: new Date(now.getTime() + LEASE_MS - 1000) })).toMatchObject({ attempted: 0 });
    expect(receiver.received.length).toBe(before);
    const result = await deliverWebhooks(getDb(), { now: new Date(now.getTime() + LEASE_MS + 1000) });
    expect(result).toMatchObject({ attempted: 1, delivered: 1 });
    expect(receiver.received.length - before).toBe(1);
    const [delivery] = await db().select().from(webhookDeliveries);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 2 });
    // The crashed attempt left no attempt row; the one made is logged.
    expect(await db().select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, delivery!.id))).toHaveLength(1);
  });

  it("one slow endpoint does not hold up another's deliveries", async () => {
    await insertEndpoint(acmeId, endpointUrl("slow"), { eventTypes: ["key.created"] });
    const fast = await insertEndpoint(acmeId, endpointUrl("fast"), { eventTypes: ["key.created"] });
    answers = (r) => {
      try {
        new StandardWebhook(fast.secret).verify(r.body, r.headers);
        return { status: 200 };
      } catch {
        return { status: 200, delayMs: 1500 };
      }
    };
    for (let i = 0; i < 5; i++) await enqueueWebhookEvent(db(), { orgId: acmeId, type: "key.created", data: { n: i } });
    const started = Date.now();
    const run = deliverWebhooks(getDb(), { timeoutMs: 1000 });
    // The fast endpoint's five arrive while the slow one's first is still waiting.
    while (Date.now() - started < 5000) {
      const done = await db()
        .select()
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.endpointId, fast.id), eq(webhookDeliveries.status, "delivered")));
      if (done.length === 5) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(Date.now() - started).toBeLessThan(1000);
    const result = await run;
    expect(result.delivered).toBe(5);
    expect(result.retrying).toBeGreaterThanOrEqual(1);
  });
});
