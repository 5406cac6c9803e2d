import { asc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { chainStatusText, verifyAuditChains, verifyOrganisationChain } from "@/lib/audit/verify-chain";
import { AccessError } from "@/lib/auth/errors";
import { auditEvents, organisations } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { actorFor, db } from "@/lib/test/helpers";

/**
 * What the owner of the audit log — the one role that can switch its append-only trigger off — could
 * do to history, and how the chain gives each change away. Every case tampers with a chain of its own.
 */

async function chainOf(name: string, length = 5) {
  const [org] = await db().insert(organisations).values({ name, kind: "business", status: "approved" }).returning({ id: organisations.id });
  for (let i = 1; i <= length; i++) {
    await recordAuditEvent(db(), {
      orgId: org!.id,
      actorLabel: `clerk-${i}@tamper.example`,
      ip: "198.51.100.7",
      action: "key.create",
      targetType: "api_key",
      targetId: `key-${i}`,
      outcome: "success",
      requestId: `${name}-${i}`,
      metadata: { alias: `Key ${i}`, note: "naïve — ünïcode ✓" },
    });
  }
  const ids = (await db().select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.orgId, org!.id)).orderBy(asc(auditEvents.chainSeq))).map(
    (r) => r.id,
  );
  return { orgId: org!.id, ids };
}

/** Runs `statements` as the owner with the append-only trigger switched off, then switches it on again. */
async function tamper(...statements: ReturnType<typeof sql>[]) {
  await db().execute(sql`alter table audit_events disable trigger audit_events_no_update_or_delete`);
  try {
    for (const statement of statements) await db().execute(statement);
  } finally {
    await db().execute(sql`alter table audit_events enable trigger audit_events_no_update_or_delete`);
  }
}

describe("the audit chain gives tampering away", () => {
  it("holds while nobody tampers", async () => {
    const { orgId } = await chainOf("Untouched");
    expect(await verifyAuditChains(db(), { orgId })).toEqual({ events: 5, verified: 5, broken: 0, breaks: [] });
    // Read in another time zone than it was written in, the log is the same log.
    const elsewhere = await db().transaction(async (tx) => {
      await tx.execute(sql`set local time zone 'Pacific/Chatham'`);
      return verifyAuditChains(tx, { orgId });
    });
    expect(elsewhere).toEqual({ events: 5, verified: 5, broken: 0, breaks: [] });
  });

  it("names an event whose field was changed — by a character of its label, or a microsecond of its time", async () => {
    const changed = await chainOf("Changed label");
    await tamper(sql`update audit_events set actor_label = 'clerk-9@tamper.example' where id = ${changed.ids[2]!}`);
    expect(await verifyAuditChains(db(), { orgId: changed.orgId })).toEqual({
      events: 5,
      verified: 4,
      broken: 1,
      breaks: [{ orgId: changed.orgId, eventId: changed.ids[2], problem: "its content does not match its hash" }],
    });

    const retimed = await chainOf("Changed time");
    await tamper(sql`update audit_events set occurred_at = occurred_at + interval '1 microsecond' where id = ${retimed.ids[0]!}`);
    expect((await verifyAuditChains(db(), { orgId: retimed.orgId })).breaks).toEqual([
      { orgId: retimed.orgId, eventId: retimed.ids[0], problem: "its content does not match its hash" },
    ]);

    const metadata = await chainOf("Changed metadata");
    await tamper(sql`update audit_events set metadata = metadata || '{"alias": "Key X"}' where id = ${metadata.ids[4]!}`);
    expect((await verifyAuditChains(db(), { orgId: metadata.orgId })).breaks).toEqual([
      { orgId: metadata.orgId, eventId: metadata.ids[4], problem: "its content does not match its hash" },
    ]);
  });

  it("names the event after one that was changed and given a fresh hash", async () => {
    const { orgId, ids } = await chainOf("Rehashed");
    await tamper(
      sql`update audit_events set action = 'key.delete' where id = ${ids[1]!}`,
      sql`update audit_events e set hash = encode(sha256(convert_to(e.prev_hash || audit_event_canonical(e), 'UTF8')), 'hex') where id = ${ids[1]!}`,
    );
    expect(await verifyAuditChains(db(), { orgId })).toEqual({
      events: 5,
      verified: 4,
      broken: 1,
      breaks: [{ orgId, eventId: ids[2], problem: `it does not link to the event before it (#${ids[1]}), which was changed or replaced` }],
    });
  });

  it("names the event after a deleted one, and the newest left when the newest were deleted", async () => {
    const middle = await chainOf("Deleted middle");
    await tamper(sql`delete from audit_events where id = ${middle.ids[2]!}`);
    expect(await verifyAuditChains(db(), { orgId: middle.orgId })).toEqual({
      events: 4,
      verified: 3,
      broken: 1,
      breaks: [{ orgId: middle.orgId, eventId: middle.ids[3], problem: "the event before it is missing" }],
    });

    const first = await chainOf("Deleted first two");
    await tamper(sql`delete from audit_events where id in (${first.ids[0]!}, ${first.ids[1]!})`);
    expect((await verifyAuditChains(db(), { orgId: first.orgId })).breaks).toEqual([
      { orgId: first.orgId, eventId: first.ids[2], problem: "2 events before it are missing" },
    ]);

    const newest = await chainOf("Deleted newest");
    await tamper(sql`delete from audit_events where id = ${newest.ids[4]!}`);
    expect(await verifyAuditChains(db(), { orgId: newest.orgId })).toEqual({
      events: 4,
      verified: 4,
      broken: 1,
      breaks: [{ orgId: newest.orgId, eventId: newest.ids[3], problem: "the event after it, the chain's newest, is missing" }],
    });

    const all = await chainOf("Deleted all", 3);
    await tamper(sql`delete from audit_events where org_id = ${all.orgId}`);
    expect((await verifyAuditChains(db(), { orgId: all.orgId })).breaks).toEqual([
      { orgId: all.orgId, eventId: null, problem: "all 3 events of the chain are missing" },
    ]);
  });

  it("cannot be forked, and an owner who drops the guard to fork it is named", async () => {
    const { orgId, ids } = await chainOf("Forked");
    const forge = sql`insert into audit_events (org_id, actor_label, action, outcome, request_id, chain_seq, prev_hash, hash)
      select org_id, 'forger@tamper.example', action, outcome, 'forged', chain_seq, prev_hash, hash from audit_events where id = ${ids[3]!}`;
    // With the chain trigger off, a second event in an occupied place is refused by the unique index.
    await db().execute(sql`alter table audit_events disable trigger audit_events_chain`);
    try {
      await expect(db().execute(forge)).rejects.toMatchObject({ cause: { code: "23505" } });
      await db().execute(sql`drop index audit_events_chain_seq`);
      try {
        await db().execute(forge);
        const [forged] = await db().select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.requestId, "forged"));
        // Whole, or in batches that end at the forked place.
        for (const batchSize of [1000, 4, 1]) {
          expect(await verifyAuditChains(db(), { orgId, batchSize })).toEqual({
            events: 6,
            verified: 5,
            broken: 1,
            breaks: [{ orgId, eventId: forged!.id, problem: `it takes the same place in the chain (4) as event #${ids[3]}` }],
          });
        }
        await tamper(sql`delete from audit_events where id = ${forged!.id}`);
      } finally {
        await db().execute(sql`create unique index audit_events_chain_seq on audit_events (coalesce(org_id::text, 'none'), chain_seq)`);
      }
    } finally {
      await db().execute(sql`alter table audit_events enable trigger audit_events_chain`);
    }
    expect((await verifyAuditChains(db(), { orgId })).broken).toBe(0);
  });
});

describe("the audit page's chain status", () => {
  beforeAll(async () => {
    await seedDemoData(db());
  });

  it("says the organisation's chain is verified and how many events it holds, or where it breaks; only to the log's readers", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const [acme] = await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, ORG_NAMES.acme));
    for (let i = 0; i < 3; i++) {
      await recordAuditEvent(db(), { orgId: acme!.id, actorLabel: "naledi@acme.example", action: "key.rename", outcome: "success", requestId: `page-${i}` });
    }
    const count = (await db().select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.orgId, acme!.id))).length;
    const clean = await verifyOrganisationChain(db(), naledi);
    expect(clean).toEqual({ events: count, firstBreak: null });
    expect(chainStatusText(clean)).toBe(`Chain verified · ${count.toLocaleString("en-GB")} events`);
    expect(chainStatusText({ events: 1, firstBreak: null })).toBe("Chain verified · 1 event");
    expect(chainStatusText({ events: 1203, firstBreak: null })).toBe("Chain verified · 1,203 events");

    // Another organisation's broken chain is not Acme's.
    const other = await chainOf("Someone else's", 2);
    await tamper(sql`update audit_events set target_id = 'key-x' where id = ${other.ids[0]!}`);
    expect(chainStatusText(await verifyOrganisationChain(db(), naledi))).toBe(`Chain verified · ${count.toLocaleString("en-GB")} events`);

    const [victim] = await db().select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.requestId, "page-1"));
    await tamper(sql`update audit_events set outcome = 'denied' where id = ${victim!.id}`);
    const broken = await verifyOrganisationChain(db(), naledi);
    expect(broken).toEqual({ events: count, firstBreak: { orgId: acme!.id, eventId: victim!.id, problem: "its content does not match its hash" } });
    expect(chainStatusText(broken)).toBe(`Chain broken at event #${victim!.id} — its content does not match its hash`);

    const aisha = await actorFor("aisha@acme.example");
    await expect(verifyOrganisationChain(db(), aisha)).rejects.toBeInstanceOf(AccessError);
  });
});
