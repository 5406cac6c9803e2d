import { asc, eq, inArray, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { GENESIS_HASH, NO_ORGANISATION_CHAIN, verifyAuditChains } from "@/lib/audit/verify-chain";
import { openDatabase, type Database, type DatabaseHandle } from "@/lib/db/client";
import { auditEvents, organisations, rateLimits } from "@/lib/db/schema";
import type { TestDatabase } from "@/lib/test/database";
import { db } from "@/lib/test/helpers";

/**
 * The audit chain under parallel writers. On PostgreSQL the writers are spread over three pools of
 * their own (up to 30 connections), so their transactions truly overlap and contend for each chain's
 * head; on the embedded PGlite they interleave on its one connection.
 */
const ACTIONS = 200;
const NO_ORG_ACTIONS = 30;

let orgIds: string[] = [];
const pools: DatabaseHandle[] = [];
let writers: Database[] = [];

class Rollback extends Error {}

beforeAll(async () => {
  const made = await db()
    .insert(organisations)
    .values(["Chain One", "Chain Two", "Chain Three", "Chain Rollback"].map((name) => ({ name, kind: "business" as const, status: "approved" as const })))
    .returning({ id: organisations.id });
  orgIds = made.map((o) => o.id);
  const url = (globalThis.__latchkeyDatabase as TestDatabase).url;
  if (url) for (let i = 0; i < 3; i++) pools.push(openDatabase({ url }));
  writers = pools.length ? pools.map((p) => p.db) : [db()];
});

afterAll(async () => {
  for (const pool of pools) await pool.close();
});

interface ChainRow {
  id: number;
  chainSeq: number;
  prevHash: string;
  hash: string;
  requestId: string;
}

async function chainRows(orgId: string | null): Promise<ChainRow[]> {
  const columns = {
    id: auditEvents.id,
    chainSeq: auditEvents.chainSeq,
    prevHash: auditEvents.prevHash,
    hash: auditEvents.hash,
    requestId: auditEvents.requestId,
  };
  const where = orgId === null ? sql`${auditEvents.orgId} is null` : eq(auditEvents.orgId, orgId);
  return db().select(columns).from(auditEvents).where(where).orderBy(asc(auditEvents.chainSeq));
}

async function head(chain: string) {
  const { rows } = await db().execute<{ seq: string | number; hash: string }>(sql`select seq, hash from audit_chain_heads where chain = ${chain}`);
  return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null;
}

/** Numbered 1…n without a gap or a repeat, each linked to the one before, the head on the last. */
async function expectWholeChain(orgId: string | null, expectedRequestIds: string[]) {
  const rows = await chainRows(orgId);
  expect(rows.map((r) => r.requestId).sort()).toEqual([...expectedRequestIds].sort());
  expect(rows.map((r) => r.chainSeq)).toEqual(rows.map((_, i) => i + 1));
  expect(rows.map((r) => r.prevHash)).toEqual([GENESIS_HASH, ...rows.slice(0, -1).map((r) => r.hash)]);
  expect(new Set(rows.map((r) => r.hash)).size).toBe(rows.length);
  expect(await head(orgId ?? NO_ORGANISATION_CHAIN)).toEqual({ seq: rows.length, hash: rows.at(-1)!.hash });
  return rows;
}

describe("the audit chain under parallel writers", () => {
  it(`${ACTIONS} parallel audited actions across 3 organisations (and ${NO_ORG_ACTIONS} of no organisation), some rolled back: no chain forks or has a gap, and every event verifies`, async () => {
    const committed = new Map<string | null, string[]>([...orgIds.slice(0, 3).map((id) => [id, []] as [string, string[]]), [null, []]]);
    const rolledBack: string[] = [];
    const action = async (i: number, orgId: string | null) => {
      const writer = writers[i % writers.length]!;
      const requestIds = [`parallel-${i}`, ...(i % 7 === 0 ? [`parallel-${i}-second`] : [])];
      const rollBack = i % 10 === 3;
      try {
        await writer.transaction(async (tx) => {
          // The change the event records, in the same transaction.
          await tx.insert(rateLimits).values({ bucket: `chain-test-${i}`, windowStartedAt: new Date(), hits: 1 });
          for (const requestId of requestIds) {
            await recordAuditEvent(tx, {
              orgId,
              actorLabel: `writer-${i}@chain.example`,
              action: "test.parallel",
              outcome: "success",
              requestId,
              metadata: { i },
            });
            // Hold the chain's head a moment, so that other writers of the chain queue behind it.
            await tx.execute(sql`select pg_sleep(0.002)`);
          }
          if (rollBack) throw new Rollback();
        });
      } catch (error) {
        if (!(error instanceof Rollback)) throw error;
      }
      (rollBack ? rolledBack : committed.get(orgId)!).push(...requestIds);
    };
    await Promise.all([
      ...Array.from({ length: ACTIONS }, (_, i) => action(i, orgIds[i % 3]!)),
      ...Array.from({ length: NO_ORG_ACTIONS }, (_, i) => action(ACTIONS + i, null)),
    ]);

    expect(rolledBack.length).toBeGreaterThan(0);
    let total = 0;
    for (const [orgId, requestIds] of committed) {
      expect(requestIds.length).toBeGreaterThan(50 * (orgId === null ? 0 : 1));
      total += (await expectWholeChain(orgId, requestIds)).length;
    }
    // The rolled-back actions left neither their change nor their events.
    expect(await db().select().from(auditEvents).where(inArray(auditEvents.requestId, rolledBack))).toEqual([]);
    const changes = await db().select({ bucket: rateLimits.bucket }).from(rateLimits).where(like(rateLimits.bucket, "chain-test-%"));
    expect(changes).toHaveLength(ACTIONS + NO_ORG_ACTIONS - rolledBack.filter((r) => !r.endsWith("-second")).length);

    const report = await verifyAuditChains(db());
    expect(report).toEqual({ events: total, verified: total, broken: 0, breaks: [] });
    // Paged in small batches, across chain boundaries, the walk finds the same.
    expect(await verifyAuditChains(db(), { batchSize: 7 })).toEqual(report);
    for (const orgId of orgIds.slice(0, 3)) {
      const n = committed.get(orgId)!.length;
      expect(await verifyAuditChains(db(), { orgId })).toEqual({ events: n, verified: n, broken: 0, breaks: [] });
    }
  });

  it("a rolled-back event, or one rolled back to a savepoint, leaves no gap: the next event takes its place", async () => {
    const orgId = orgIds[3]!;
    const event = (requestId: string) => ({ orgId, actorLabel: "rollback@chain.example", action: "test.rollback", outcome: "success" as const, requestId });
    await db().transaction((tx) => recordAuditEvent(tx, event("kept-1")));
    await expect(
      db().transaction(async (tx) => {
        await recordAuditEvent(tx, event("rolled-back"));
        throw new Rollback();
      }),
    ).rejects.toBeInstanceOf(Rollback);
    await db().transaction(async (tx) => {
      await expect(
        tx.transaction(async (savepoint) => {
          await recordAuditEvent(savepoint, event("rolled-back-to-savepoint"));
          throw new Rollback();
        }),
      ).rejects.toBeInstanceOf(Rollback);
      await recordAuditEvent(tx, event("kept-2"));
    });
    await recordAuditEvent(db(), event("kept-3"));

    const rows = await expectWholeChain(orgId, ["kept-1", "kept-2", "kept-3"]);
    expect(rows.map((r) => [r.chainSeq, r.requestId])).toEqual([
      [1, "kept-1"],
      [2, "kept-2"],
      [3, "kept-3"],
    ]);
    expect(await verifyAuditChains(db(), { orgId })).toEqual({ events: 3, verified: 3, broken: 0, breaks: [] });
  });

  it("overwrites whatever a writer passes for the chain's columns", async () => {
    const orgId = orgIds[3]!;
    const [before] = (await chainRows(orgId)).slice(-1);
    await db()
      .insert(auditEvents)
      .values({
        orgId,
        actorLabel: "forger@chain.example",
        action: "test.forge",
        outcome: "success",
        requestId: "forged",
        chainSeq: 1,
        prevHash: "f".repeat(64),
        hash: "e".repeat(64),
      });
    const [forged] = (await chainRows(orgId)).slice(-1);
    expect(forged).toMatchObject({ requestId: "forged", chainSeq: before!.chainSeq + 1, prevHash: before!.hash });
    expect(forged!.hash).not.toBe("e".repeat(64));
    expect((await verifyAuditChains(db(), { orgId })).broken).toBe(0);
  });
});
