import { randomBytes } from "node:crypto";
import { asc, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { GENESIS_HASH, verifyAuditChains } from "@/lib/audit/verify-chain";
import { auditEvents, organisations } from "@/lib/db/schema";
import type { TestDatabase } from "@/lib/test/database";
import { db } from "@/lib/test/helpers";
import { undoMigrationsFrom } from "@/lib/test/migrations";
import { appRoleStatements, dropAppRoleStatements } from "@/scripts/lib/app-role.mjs";

/** The application's DML-only role, made before the upgrade as a deployment made it (README: Database roles). */
const role = `latchkey_t_up6_${process.pid}_${randomBytes(3).toString("hex")}`;

afterAll(async () => {
  for (const statement of dropAppRoleStatements(role)) await db().execute(sql.raw(statement));
  await db().execute(sql.raw(`drop role if exists ${role}`));
});

describe("migration 0006 (the audit chain) upgrades a database that already holds audit events", () => {
  it("chains every existing event in the order it was written, per organisation, and new events carry on from there — the DML-only role's too", async () => {
    const [a, b] = await db()
      .insert(organisations)
      .values([
        { name: "Upgrade A", kind: "business", status: "approved" },
        { name: "Upgrade B", kind: "private", status: "approved" },
      ])
      .returning({ id: organisations.id });

    // The database as the release before 0006 left it: no chain columns, heads, functions or trigger; 0006 not recorded.
    await undoMigrationsFrom(db(), "0006_audit_chain");
    for (const statement of appRoleStatements(role, randomBytes(12).toString("base64url"))) await db().execute(sql.raw(statement));

    // Events written by that release: organisations interleaved, times not in id order, metadata of all kinds.
    const chains = [a!.id, b!.id, null, a!.id, a!.id, null, b!.id];
    for (let i = 0; i < 28; i++) {
      const orgId = chains[i % chains.length];
      await db().execute(sql`
        insert into audit_events (org_id, occurred_at, actor_label, ip, action, target_type, target_id, outcome, request_id, metadata)
        values (${orgId}, ${new Date(Date.UTC(2026, 0, 1) - i * 61_000 + (i % 4) * 123)}, ${`before-${i}@upgrade.example`}, ${i % 2 ? "203.0.113.9" : null},
                'key.create', 'api_key', ${`key-${i}`}, 'success', ${`before-${i}`}, ${JSON.stringify({ i, name: "Zoë’s key", nested: { ok: i % 2 === 0 }, amount: 12.5 })}::jsonb)`);
    }

    await (globalThis.__latchkeyDatabase as TestDatabase).migrate();

    const rows = await db()
      .select({ id: auditEvents.id, orgId: auditEvents.orgId, chainSeq: auditEvents.chainSeq, prevHash: auditEvents.prevHash, hash: auditEvents.hash })
      .from(auditEvents)
      .orderBy(asc(auditEvents.chainSeq));
    expect(rows).toHaveLength(28);
    for (const orgId of [a!.id, b!.id, null]) {
      const chain = rows.filter((r) => r.orgId === orgId);
      expect(chain.length).toBeGreaterThan(3);
      // In id order — the order the events were written — numbered from 1, each linked to the one before.
      expect(chain.map((r) => r.id)).toEqual(chain.map((r) => r.id).sort((x, y) => x - y));
      expect(chain.map((r) => r.chainSeq)).toEqual(chain.map((_, i) => i + 1));
      expect(chain.map((r) => r.prevHash)).toEqual([GENESIS_HASH, ...chain.slice(0, -1).map((r) => r.hash)]);
      const head = await db().execute<{ seq: string | number; hash: string }>(sql`select seq, hash from audit_chain_heads where chain = ${orgId ?? "none"}`);
      expect(head.rows.map((h) => ({ seq: Number(h.seq), hash: h.hash }))).toEqual([{ seq: chain.length, hash: chain.at(-1)!.hash }]);
    }
    expect(await verifyAuditChains(db())).toEqual({ events: 28, verified: 28, broken: 0, breaks: [] });

    // The append-only trigger is back on after the backfill.
    await expect(db().execute(sql`update audit_events set action = 'key.delete' where id = ${rows[0]!.id}`)).rejects.toMatchObject({
      cause: { code: "42501" },
    });

    // The application's role, granted before the upgrade, appends to the chain (default privileges cover the new heads table).
    await db().transaction(async (tx) => {
      await tx.execute(sql.raw(`set local role ${role}`));
      await recordAuditEvent(tx, { orgId: a!.id, actorLabel: "after@upgrade.example", action: "key.rename", outcome: "success", requestId: "after-upgrade" });
    });
    const chainA = rows.filter((r) => r.orgId === a!.id);
    const [after] = await db().select().from(auditEvents).where(sql`${auditEvents.requestId} = 'after-upgrade'`);
    expect(after).toMatchObject({ chainSeq: chainA.length + 1, prevHash: chainA.at(-1)!.hash });
    expect(await verifyAuditChains(db())).toEqual({ events: 29, verified: 29, broken: 0, breaks: [] });
  });
});
