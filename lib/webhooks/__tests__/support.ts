import { and, desc, eq, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { auditEvents, organisations, webhookEndpoints } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { addWebhookEndpoint } from "@/lib/webhooks/add-webhook-endpoint";
import { actorFor, context, db } from "@/lib/test/helpers";
import { pinOf } from "@/lib/test/keys";
import { webhookTestEnv } from "@/lib/test/webhooks";
import { afterAll, beforeAll, beforeEach } from "vitest";

export const NALEDI = "naledi@acme.example"; // Superadmin, Acme
export const PIETER = "pieter@acme.example"; // Admin, Acme
export const SIPHO = "sipho@acme.example"; // Developer, Acme
export const AISHA = "aisha@acme.example"; // Viewer, Acme
export const THABO = "thabo@nkosi.example"; // Superadmin, Nkosi

/** For the whole file: a sealing key for the signing secrets, and private destinations refused as in production. */
export function withWebhookTestEnv() {
  let restore: () => void = () => {};
  beforeAll(() => {
    restore = webhookTestEnv({ allowPrivate: false });
  });
  afterAll(() => restore());
}

/**
 * For the whole file: the test environment above, the demo data, and no endpoint at the start of
 * each test (so each starts below the per-organisation limit). Returns Acme's and Nkosi's ids, set
 * once the demo is seeded.
 */
export function webhookTestOrganisations() {
  withWebhookTestEnv();
  const orgs = { acme: "", nkosi: "" };
  beforeAll(async () => {
    await seedDemoData(db());
    const rows = await db().select({ id: organisations.id, name: organisations.name }).from(organisations);
    orgs.acme = rows.find((o) => o.name === ORG_NAMES.acme)!.id;
    orgs.nkosi = rows.find((o) => o.name === ORG_NAMES.nkosi)!.id;
  });
  beforeEach(async () => {
    await db().delete(webhookEndpoints);
  });
  return orgs;
}

/** A public address written as a literal, so no test depends on DNS. */
export const PUBLIC_URL = "https://93.184.215.14/latchkey/webhooks";

export async function addEndpoint(email = NALEDI, overrides: Record<string, unknown> = {}) {
  const actor = await actorFor(email);
  return addWebhookEndpoint(
    db(),
    actor,
    { url: PUBLIC_URL, eventTypes: ["key.created", "key.deleted"], description: "SIEM", pin: pinOf(email), ...overrides },
    context,
  );
}

/** The newest audit row of an action, optionally by one actor. */
export async function lastAudit(action: string, actor?: Actor) {
  const [row] = await db()
    .select()
    .from(auditEvents)
    .where(actor ? and(eq(auditEvents.action, action), eq(auditEvents.actorUserId, actor.user.id)) : eq(auditEvents.action, action))
    .orderBy(desc(auditEvents.id))
    .limit(1);
  return row;
}

export async function deniedCount(actor: Actor) {
  return db().$count(auditEvents, and(eq(auditEvents.actorUserId, actor.user.id), eq(auditEvents.outcome, "denied")));
}

/** Every webhook table's rows as text, to prove a refusal changed nothing. */
export async function webhookTablesSnapshot() {
  const result = await db().execute(sql`
    select (select coalesce(json_agg(e order by e.id), '[]') from webhook_endpoints e)::text as endpoints,
           (select coalesce(json_agg(v order by v.id), '[]') from webhook_events v)::text as events,
           (select coalesce(json_agg(d order by d.id), '[]') from webhook_deliveries d)::text as deliveries`);
  return JSON.stringify(result.rows[0]);
}

export async function endpointRow(id: string) {
  const [row] = await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return row;
}
