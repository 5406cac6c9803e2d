import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { webhookAttempts, webhookDeliveries, webhookEvents } from "@/lib/db/schema";
import { WEBHOOK_DELIVERIES_PAGE_SIZE } from "@/lib/schemas/webhooks";
import { getWebhookDelivery, RESPONSE_BODY_SHOWN } from "@/lib/webhooks/get-webhook-delivery";
import { getWebhookEndpoint } from "@/lib/webhooks/get-webhook-endpoint";
import { listWebhookEndpoints } from "@/lib/webhooks/list-webhook-endpoints";
import { resendWebhookDelivery } from "@/lib/webhooks/resend-webhook-delivery";
import { sendTestWebhook } from "@/lib/webhooks/send-test-webhook";
import { setWebhookEndpointStatus } from "@/lib/webhooks/set-webhook-endpoint-status";
import { actorFor, context, db } from "@/lib/test/helpers";
import { pinOf } from "@/lib/test/keys";
import { refusal } from "@/lib/test/outcomes";
import { addEndpoint, AISHA, deniedCount, lastAudit, NALEDI, PIETER, SIPHO, THABO, webhookTestOrganisations, webhookTablesSnapshot } from "./support";

const orgs = webhookTestOrganisations();

/** An endpoint with one test event sent to it: its delivery's id. */
async function endpointWithDelivery(email = NALEDI) {
  const endpoint = await addEndpoint(email);
  const { eventId } = await sendTestWebhook(db(), await actorFor(email), { endpointId: endpoint.id }, context);
  const [delivery] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId));
  return { endpoint, eventId, deliveryId: delivery!.id };
}

describe("sending a test event", () => {
  it("enqueues webhook.test to that endpoint alone, and audits it", async () => {
    const other = await addEndpoint(NALEDI, { eventTypes: ["key.created"] });
    const { endpoint, eventId } = await endpointWithDelivery();
    const [event] = await db().select().from(webhookEvents).where(eq(webhookEvents.id, eventId));
    expect(event).toMatchObject({ orgId: orgs.acme, type: "webhook.test" });
    expect(JSON.stringify(event!.payload)).not.toContain("whsec_");
    const deliveries = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId));
    expect(deliveries.map((d) => d.endpointId)).toEqual([endpoint.id]);
    expect(deliveries[0]).toMatchObject({ status: "pending", attempts: 0 });
    expect(await db().$count(webhookDeliveries, eq(webhookDeliveries.endpointId, other.id))).toBe(0);
    expect((await lastAudit("webhook.test_send"))!).toMatchObject({ outcome: "success", targetId: endpoint.id, metadata: { eventId } });
  });

  it("refuses a disabled endpoint and sends nothing", async () => {
    const endpoint = await addEndpoint();
    await setWebhookEndpointStatus(db(), await actorFor(NALEDI), { endpointId: endpoint.id, status: "disabled", pin: pinOf(NALEDI) }, context);
    const before = await webhookTablesSnapshot();
    expect((await refusal(sendTestWebhook(db(), await actorFor(NALEDI), { endpointId: endpoint.id }, context))).code).toBe("conflict");
    expect(await webhookTablesSnapshot()).toBe(before);
  });

  it("refuses hostile ids with the field named", async () => {
    const naledi = await actorFor(NALEDI);
    for (const endpointId of ["", "not-a-uuid\u0000", 42, null, { id: 1 }, "x".repeat(10_000)]) {
      expect(await refusal(sendTestWebhook(db(), naledi, { endpointId }, context))).toEqual({
        code: "invalid_request",
        fields: { endpointId: "Unknown webhook endpoint" },
      });
    }
  });
});

describe("resending a delivery", () => {
  it("adds a new pending delivery of the same event to the same endpoint (the same webhook-id)", async () => {
    const { endpoint, eventId, deliveryId } = await endpointWithDelivery();
    await db().update(webhookDeliveries).set({ status: "failed", attempts: 9, lastStatusCode: 500 }).where(eq(webhookDeliveries.id, deliveryId));
    const resent = await resendWebhookDelivery(db(), await actorFor(PIETER), { deliveryId }, context);
    expect(resent.eventId).toBe(eventId);
    expect(resent.deliveryId).not.toBe(deliveryId);
    const rows = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId));
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id === resent.deliveryId)).toMatchObject({ endpointId: endpoint.id, status: "pending", attempts: 0, lastStatusCode: null });
    // The original stays as it was, in the log.
    expect(rows.find((r) => r.id === deliveryId)).toMatchObject({ status: "failed", attempts: 9 });
    expect(await db().$count(webhookEvents, eq(webhookEvents.id, eventId))).toBe(1);
    expect((await lastAudit("webhook.delivery_resend"))!).toMatchObject({
      outcome: "success",
      targetId: deliveryId,
      metadata: { newDelivery: resent.deliveryId },
    });
  });

  it("refuses a delivery of a disabled endpoint, and a hostile id", async () => {
    const { endpoint, deliveryId } = await endpointWithDelivery();
    await setWebhookEndpointStatus(db(), await actorFor(NALEDI), { endpointId: endpoint.id, status: "disabled", pin: pinOf(NALEDI) }, context);
    expect((await refusal(resendWebhookDelivery(db(), await actorFor(NALEDI), { deliveryId }, context))).code).toBe("conflict");
    expect((await refusal(resendWebhookDelivery(db(), await actorFor(NALEDI), { deliveryId: "1 or 1=1" }, context))).fields).toEqual({
      deliveryId: "Unknown delivery",
    });
  });
});

describe("reading endpoints and their delivery log", () => {
  it("lists the organisation's endpoints with their newest delivery, never a secret", async () => {
    const { endpoint } = await endpointWithDelivery();
    const quiet = await addEndpoint(PIETER, { url: "https://93.184.215.14/other" });
    await addEndpoint(THABO);
    const list = await listWebhookEndpoints(db(), await actorFor(PIETER), context);
    expect(list.map((e) => e.id)).toEqual([endpoint.id, quiet.id]);
    expect(list[0]).toMatchObject({ status: "enabled", eventTypes: ["key.created", "key.deleted"], lastDelivery: { status: "pending" } });
    expect(list[1]!.lastDelivery).toBeNull();
    expect(JSON.stringify(list)).not.toMatch(/whsec_|v1\./);
  });

  it("shows one endpoint with its log, newest first, paginated, with the last attempt's code and duration", async () => {
    const { endpoint, deliveryId } = await endpointWithDelivery();
    const naledi = await actorFor(NALEDI);
    for (let i = 0; i < WEBHOOK_DELIVERIES_PAGE_SIZE + 2; i++) await sendTestWebhook(db(), naledi, { endpointId: endpoint.id }, context);
    await db()
      .update(webhookDeliveries)
      .set({ attempts: 2, lastStatusCode: 200, status: "delivered", createdAt: new Date(Date.now() + 60_000) })
      .where(eq(webhookDeliveries.id, deliveryId));
    await db()
      .insert(webhookAttempts)
      .values([
        { deliveryId, durationMs: 812, requestHeaders: { "webhook-id": "x" }, requestBody: "{}", statusCode: 500, attemptedAt: new Date(Date.now() - 1000) },
        { deliveryId, durationMs: 37, requestHeaders: { "webhook-id": "x" }, requestBody: "{}", statusCode: 200 },
      ]);
    const view = await getWebhookEndpoint(db(), naledi, { endpointId: endpoint.id }, context);
    expect(view.endpoint).toMatchObject({ id: endpoint.id, secretLast4: endpoint.secret.slice(-4), previousSecretUntil: null });
    expect(JSON.stringify(view)).not.toMatch(/whsec_|secretSealed|v1\./);
    expect(view.deliveries.total).toBe(WEBHOOK_DELIVERIES_PAGE_SIZE + 3);
    expect(view.deliveries.rows).toHaveLength(WEBHOOK_DELIVERIES_PAGE_SIZE);
    expect(view.deliveries.rows[0]).toMatchObject({
      id: deliveryId,
      eventType: "webhook.test",
      status: "delivered",
      attempts: 2,
      lastStatusCode: 200,
      lastDurationMs: 37,
    });
    const second = await getWebhookEndpoint(db(), naledi, { endpointId: endpoint.id, page: "2" }, context);
    expect(second.deliveries.rows).toHaveLength(3);
    expect(second.deliveries.page).toBe(2);
    expect((await refusal(getWebhookEndpoint(db(), naledi, { endpointId: endpoint.id, page: "-1" }, context))).fields).toEqual({ page: "Unknown page" });
    expect((await refusal(getWebhookEndpoint(db(), naledi, { endpointId: "nope" }, context))).code).toBe("not_found");
  });

  it("opens one delivery with every attempt's request and response, the body cut at 4 kB", async () => {
    const { deliveryId, eventId } = await endpointWithDelivery();
    const huge = "r".repeat(10_000);
    await db()
      .insert(webhookAttempts)
      .values([
        {
          deliveryId,
          durationMs: 10_000,
          requestHeaders: { "webhook-id": eventId },
          requestBody: '{"type":"webhook.test"}',
          error: "timeout",
          attemptedAt: new Date(Date.now() - 5000),
        },
        { deliveryId, durationMs: 40, requestHeaders: { "webhook-id": eventId }, requestBody: '{"type":"webhook.test"}', statusCode: 503, responseBody: huge },
      ]);
    const view = await getWebhookDelivery(db(), await actorFor(PIETER), { deliveryId }, context);
    expect(view.event).toMatchObject({ id: eventId, type: "webhook.test" });
    expect(view.attemptLog).toHaveLength(2);
    expect(view.attemptLog[0]).toMatchObject({ error: "timeout", statusCode: null, durationMs: 10_000, requestHeaders: { "webhook-id": eventId } });
    expect(view.attemptLog[1]!.statusCode).toBe(503);
    expect(view.attemptLog[1]!.responseBody).toHaveLength(RESPONSE_BODY_SHOWN);
    expect((await refusal(getWebhookDelivery(db(), await actorFor(PIETER), { deliveryId: 5 }, context))).code).toBe("not_found");
  });
});

describe("who may send, resend and read", () => {
  const operations = {
    send: async (email: string, t: { endpointId: string; deliveryId: string }) =>
      sendTestWebhook(db(), await actorFor(email), { endpointId: t.endpointId }, context),
    resend: async (email: string, t: { endpointId: string; deliveryId: string }) =>
      resendWebhookDelivery(db(), await actorFor(email), { deliveryId: t.deliveryId }, context),
    list: async (email: string) => listWebhookEndpoints(db(), await actorFor(email), context),
    view: async (email: string, t: { endpointId: string; deliveryId: string }) =>
      getWebhookEndpoint(db(), await actorFor(email), { endpointId: t.endpointId }, context),
    delivery: async (email: string, t: { endpointId: string; deliveryId: string }) =>
      getWebhookDelivery(db(), await actorFor(email), { deliveryId: t.deliveryId }, context),
  };
  const actions = { send: "webhook.test_send", resend: "webhook.delivery_resend", list: "webhook.view", view: "webhook.view", delivery: "webhook.view" };

  for (const [name, run] of Object.entries(operations) as [keyof typeof operations, (typeof operations)[keyof typeof operations]][]) {
    it(`${name}: Superadmin and Admin may; Developer and Viewer are refused, audited, and nothing changes`, async () => {
      const { endpoint, deliveryId } = await endpointWithDelivery();
      const target = { endpointId: endpoint.id, deliveryId };
      for (const email of [NALEDI, PIETER]) await expect(run(email, target)).resolves.toBeDefined();
      for (const email of [SIPHO, AISHA]) {
        const actor = await actorFor(email);
        const denied = await deniedCount(actor);
        const before = await webhookTablesSnapshot();
        expect((await refusal(run(email, target))).code).toBe("forbidden");
        expect(await webhookTablesSnapshot()).toBe(before);
        expect(await deniedCount(actor)).toBe(denied + 1);
        expect((await lastAudit(actions[name], actor))!).toMatchObject({ outcome: "denied", orgId: orgs.acme, metadata: { reason: "forbidden" } });
      }
    });

    if (name === "list") continue;
    it(`${name}: another organisation's endpoint or delivery is not found, audited in the actor's own organisation`, async () => {
      const { endpoint, deliveryId } = await endpointWithDelivery(NALEDI);
      const thabo = await actorFor(THABO);
      const before = await webhookTablesSnapshot();
      const refused = await refusal(run(THABO, { endpointId: endpoint.id, deliveryId }));
      expect(refused.code).toBe("not_found");
      expect(await webhookTablesSnapshot()).toBe(before);
      const audit = (await lastAudit(actions[name], thabo))!;
      expect(audit).toMatchObject({ outcome: "denied", orgId: orgs.nkosi, metadata: { reason: "not_in_organisation" } });
      expect([endpoint.id, deliveryId]).toContain(audit.targetId);
      expect(await refusal(run(THABO, { endpointId: crypto.randomUUID(), deliveryId: crypto.randomUUID() }))).toEqual(refused);
      // Thabo's own list holds none of Acme's.
      expect((await listWebhookEndpoints(db(), thabo, context)).map((e) => e.id)).not.toContain(endpoint.id);
      expect(await db().$count(webhookDeliveries, and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.orgId, orgs.acme)))).toBe(1);
    });
  }
});
