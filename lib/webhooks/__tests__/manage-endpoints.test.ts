import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, webhookEndpoints } from "@/lib/db/schema";
import { addWebhookEndpoint } from "@/lib/webhooks/add-webhook-endpoint";
import { deleteWebhookEndpoint } from "@/lib/webhooks/delete-webhook-endpoint";
import { PREVIOUS_SECRET_OVERLAP_MS, rotateWebhookSecret } from "@/lib/webhooks/rotate-webhook-secret";
import { openWebhookSecret } from "@/lib/webhooks/secret";
import { setWebhookEndpointStatus } from "@/lib/webhooks/set-webhook-endpoint-status";
import { WEBHOOK_ENDPOINTS_MAX } from "@/lib/schemas/webhooks";
import { actorFor, context, db } from "@/lib/test/helpers";
import { pinOf } from "@/lib/test/keys";
import { refusal } from "@/lib/test/outcomes";
import {
  addEndpoint,
  AISHA,
  deniedCount,
  endpointRow,
  lastAudit,
  NALEDI,
  PIETER,
  PUBLIC_URL,
  SIPHO,
  THABO,
  webhookTestOrganisations,
  webhookTablesSnapshot,
} from "./support";

const orgs = webhookTestOrganisations();

/** Every text column of the endpoints table, joined, to look for a plain secret. */
async function endpointsText() {
  const result = await db().execute(sql`select coalesce(string_agg(row_to_json(e)::text, ''), '') as t from webhook_endpoints e`);
  return String((result.rows[0] as { t: string }).t);
}

describe("adding an endpoint", () => {
  it("returns the secret once, stores it only sealed (bound to the endpoint) with its last four, and audits it", async () => {
    const added = await addEndpoint(NALEDI, { description: "  Splunk  ", eventTypes: ["key.deleted", "key.created", "key.created"] });
    expect(added.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
    const row = (await endpointRow(added.id))!;
    expect(row).toMatchObject({ orgId: orgs.acme, url: PUBLIC_URL, description: "Splunk", status: "enabled", secretLast4: added.secret.slice(-4) });
    // In the list's order, each once.
    expect(row.eventTypes).toEqual(["key.created", "key.deleted"]);
    expect(row.secretSealed).not.toContain(added.secret);
    expect(openWebhookSecret(row.secretSealed, added.id)).toBe(added.secret);
    // Sealed to this endpoint: under another id it does not open.
    expect(() => openWebhookSecret(row.secretSealed, crypto.randomUUID())).toThrow();
    const text = await endpointsText();
    expect(text).not.toContain("whsec_");
    expect(text).not.toContain(added.secret.slice(6));
    const audit = (await lastAudit("webhook.endpoint_add"))!;
    expect(audit).toMatchObject({ outcome: "success", targetId: added.id, orgId: orgs.acme });
    expect(JSON.stringify(audit)).not.toContain(added.secret);
    expect(audit.metadata).toMatchObject({ destination: PUBLIC_URL, eventTypes: "key.created, key.deleted" });
  });

  it("refuses a wrong or missing PIN, changing nothing", async () => {
    const naledi = await actorFor(NALEDI);
    const before = await webhookTablesSnapshot();
    const input = { url: PUBLIC_URL, eventTypes: ["key.created"], description: "" };
    expect(await refusal(addWebhookEndpoint(db(), naledi, { ...input, pin: "000000" }, context))).toMatchObject({ code: "pin_invalid" });
    expect(await refusal(addWebhookEndpoint(db(), naledi, input, context))).toEqual({ code: "invalid_request", fields: { pin: "Enter your 6-digit PIN" } });
    expect(await webhookTablesSnapshot()).toBe(before);
  });

  it("keeps the audit's destination free of the URL's query string", async () => {
    const added = await addEndpoint(PIETER, { url: `${PUBLIC_URL}?token=receiver-secret-123` });
    const audit = (await lastAudit("webhook.endpoint_add"))!;
    expect(audit.targetId).toBe(added.id);
    expect(JSON.stringify(audit.metadata)).not.toContain("receiver-secret-123");
  });

  it(`stops at ${WEBHOOK_ENDPOINTS_MAX} endpoints per organisation`, async () => {
    const nkosiEndpoints = async () => db().$count(webhookEndpoints, eq(webhookEndpoints.orgId, orgs.nkosi));
    while ((await nkosiEndpoints()) < WEBHOOK_ENDPOINTS_MAX) await addEndpoint(THABO);
    const refused = await refusal(addEndpoint(THABO));
    expect(refused.code).toBe("conflict");
    expect(await nkosiEndpoints()).toBe(WEBHOOK_ENDPOINTS_MAX);
    // Another organisation's count is its own.
    await addEndpoint(NALEDI);
  });
});

describe("rotating the secret", () => {
  it("shows a new secret once and keeps the previous one sealed, signing for 24 hours", async () => {
    const added = await addEndpoint();
    const before = (await endpointRow(added.id))!;
    const naledi = await actorFor(NALEDI);
    const started = Date.now();
    const rotated = await rotateWebhookSecret(db(), naledi, { endpointId: added.id, pin: pinOf(NALEDI) }, context);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(added.secret);
    const after = (await endpointRow(added.id))!;
    expect(openWebhookSecret(after.secretSealed, added.id)).toBe(rotated.secret);
    expect(after.previousSecretSealed).toBe(before.secretSealed);
    expect(openWebhookSecret(after.previousSecretSealed!, added.id)).toBe(added.secret);
    expect(after.secretLast4).toBe(rotated.secret.slice(-4));
    const overlap = after.previousSecretExpiresAt!.getTime() - started;
    expect(overlap).toBeGreaterThanOrEqual(PREVIOUS_SECRET_OVERLAP_MS - 1000);
    expect(overlap).toBeLessThanOrEqual(PREVIOUS_SECRET_OVERLAP_MS + 60_000);
    expect(await endpointsText()).not.toContain("whsec_");
    const audit = (await lastAudit("webhook.secret_rotate"))!;
    expect(audit).toMatchObject({ outcome: "success", targetId: added.id });
    expect(JSON.stringify(audit)).not.toContain("whsec_");
  });

  it("refuses a wrong or missing PIN", async () => {
    const added = await addEndpoint();
    const pieter = await actorFor(PIETER);
    const before = await webhookTablesSnapshot();
    expect((await refusal(rotateWebhookSecret(db(), pieter, { endpointId: added.id, pin: "111111" }, context))).code).toBe("pin_invalid");
    expect((await refusal(rotateWebhookSecret(db(), pieter, { endpointId: added.id }, context))).fields).toEqual({ pin: "Enter your 6-digit PIN" });
    expect(await webhookTablesSnapshot()).toBe(before);
  });
});

describe("disabling and enabling", () => {
  it("disables by hand and enabling clears the reason and the failing time", async () => {
    const added = await addEndpoint();
    const pieter = await actorFor(PIETER);
    await setWebhookEndpointStatus(db(), pieter, { endpointId: added.id, status: "disabled", pin: pinOf(PIETER) }, context);
    expect(await endpointRow(added.id)).toMatchObject({ status: "disabled", disabledReason: "manual" });
    expect((await endpointRow(added.id))!.disabledAt).toBeInstanceOf(Date);
    expect((await lastAudit("webhook.endpoint_disable"))!).toMatchObject({ outcome: "success", targetId: added.id });
    // Twice: nothing to do.
    expect((await refusal(setWebhookEndpointStatus(db(), pieter, { endpointId: added.id, status: "disabled", pin: pinOf(PIETER) }, context))).code).toBe(
      "conflict",
    );
    // As the runner leaves it after 3 days of failures.
    await db()
      .update(webhookEndpoints)
      .set({ disabledReason: "failing", failingSince: new Date(Date.now() - 4 * 86_400_000) })
      .where(eq(webhookEndpoints.id, added.id));
    await setWebhookEndpointStatus(db(), pieter, { endpointId: added.id, status: "enabled", pin: pinOf(PIETER) }, context);
    expect(await endpointRow(added.id)).toMatchObject({ status: "enabled", disabledReason: null, disabledAt: null, failingSince: null });
    expect((await lastAudit("webhook.endpoint_enable"))!.metadata).toMatchObject({ wasDisabled: "failing" });
  });

  it("refuses a wrong or missing PIN and an unknown status", async () => {
    const added = await addEndpoint();
    const naledi = await actorFor(NALEDI);
    expect((await refusal(setWebhookEndpointStatus(db(), naledi, { endpointId: added.id, status: "disabled", pin: "123456" }, context))).code).toBe(
      "pin_invalid",
    );
    expect((await refusal(setWebhookEndpointStatus(db(), naledi, { endpointId: added.id, status: "disabled" }, context))).fields).toEqual({
      pin: "Enter your 6-digit PIN",
    });
    expect((await refusal(setWebhookEndpointStatus(db(), naledi, { endpointId: added.id, status: "paused", pin: pinOf(NALEDI) }, context))).fields).toEqual({
      status: "Choose enable or disable",
    });
    expect((await endpointRow(added.id))!.status).toBe("enabled");
  });
});

describe("deleting", () => {
  it("deletes with the PIN and audits it; a wrong PIN keeps it", async () => {
    const added = await addEndpoint();
    const naledi = await actorFor(NALEDI);
    expect((await refusal(deleteWebhookEndpoint(db(), naledi, { endpointId: added.id, pin: "999999" }, context))).code).toBe("pin_invalid");
    expect((await refusal(deleteWebhookEndpoint(db(), naledi, { endpointId: added.id }, context))).fields).toEqual({ pin: "Enter your 6-digit PIN" });
    expect(await endpointRow(added.id)).toBeDefined();
    await deleteWebhookEndpoint(db(), naledi, { endpointId: added.id, pin: pinOf(NALEDI) }, context);
    expect(await endpointRow(added.id)).toBeUndefined();
    expect((await lastAudit("webhook.endpoint_delete"))!).toMatchObject({ outcome: "success", targetId: added.id });
    expect((await refusal(deleteWebhookEndpoint(db(), naledi, { endpointId: added.id, pin: pinOf(NALEDI) }, context))).code).toBe("not_found");
  });
});

describe("who may manage endpoints", () => {
  const operations = {
    add: (email: string, _id: string) => addEndpoint(email),
    rotate: async (email: string, id: string) => rotateWebhookSecret(db(), await actorFor(email), { endpointId: id, pin: pinOf(email) }, context),
    disable: async (email: string, id: string) =>
      setWebhookEndpointStatus(db(), await actorFor(email), { endpointId: id, status: "disabled", pin: pinOf(email) }, context),
    delete: async (email: string, id: string) => deleteWebhookEndpoint(db(), await actorFor(email), { endpointId: id, pin: pinOf(email) }, context),
  };
  const actions = { add: "webhook.endpoint_add", rotate: "webhook.secret_rotate", disable: "webhook.endpoint_disable", delete: "webhook.endpoint_delete" };

  for (const [name, run] of Object.entries(operations) as [keyof typeof operations, (typeof operations)[keyof typeof operations]][]) {
    it(`${name}: Superadmin and Admin may; Developer and Viewer are refused, audited, and nothing changes`, async () => {
      for (const email of [NALEDI, PIETER]) {
        const target = await addEndpoint();
        await expect(run(email, target.id)).resolves.not.toThrow();
      }
      for (const email of [SIPHO, AISHA]) {
        const target = await addEndpoint();
        const actor = await actorFor(email);
        const denied = await deniedCount(actor);
        const before = await webhookTablesSnapshot();
        expect((await refusal(run(email, target.id))).code).toBe("forbidden");
        expect(await webhookTablesSnapshot()).toBe(before);
        expect(await deniedCount(actor)).toBe(denied + 1);
        expect((await lastAudit(actions[name], actor))!).toMatchObject({
          outcome: "denied",
          orgId: orgs.acme,
          metadata: { reason: "forbidden", permission: "webhooks:manage" },
        });
      }
    });

    // Adding names no endpoint; the others name one by id.
    if (name === "add") continue;
    it(`${name}: another organisation's endpoint is not found, and the attempt is audited in the actor's own organisation`, async () => {
      const target = await addEndpoint(NALEDI);
      const thabo = await actorFor(THABO);
      const before = await webhookTablesSnapshot();
      const refused = await refusal(run(THABO, target.id));
      expect(refused.code).toBe("not_found");
      expect(await webhookTablesSnapshot()).toBe(before);
      const audit = (await lastAudit(actions[name], thabo))!;
      expect(audit).toMatchObject({ outcome: "denied", orgId: orgs.nkosi, targetId: target.id, metadata: { reason: "not_in_organisation" } });
      // The same answer as for an id that never existed.
      const made = await refusal(run(THABO, crypto.randomUUID()));
      expect(made).toEqual(refused);
      expect(await db().$count(auditEvents, eq(auditEvents.targetId, target.id))).toBeGreaterThan(0);
    });
  }
});
