import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { accounts, auditEvents } from "@/lib/db/schema";
import { createOrganisation } from "@/lib/organisations/create-organisation";
import { db } from "@/lib/test/helpers";

describe("database schema and migrations", () => {
  let orgId: string;
  beforeAll(async () => {
    orgId = (await createOrganisation(db(), { name: "Schema Test Org", kind: "private", status: "approved", products: [] })).id;
  });

  it("creates every table of the domain", async () => {
    const result = await db().execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const tables = result.rows.map((r) => r.table_name);
    for (const table of [
      "organisations",
      "companies",
      "accounts",
      "transactions",
      "applications",
      "users",
      "memberships",
      "roles",
      "api_keys",
      "api_key_accounts",
      "api_key_companies",
      "audit_events",
      "notifications",
      "payments",
      "transfers",
      "cards",
      "access_tokens",
      "idempotency_records",
      "rate_limits",
      "sessions",
      "email_outbox",
    ]) {
      expect(tables).toContain(table);
    }
  });

  it("gives a new organisation the four built-in roles with PRODUCT.md's permissions", async () => {
    const roles = await db().query.roles.findMany({ where: (r, { eq }) => eq(r.orgId, orgId) });
    const byKey = Object.fromEntries(roles.map((r) => [r.builtIn, r.permissions.sort()]));
    expect(Object.keys(byKey).sort()).toEqual(["admin", "developer", "superadmin", "viewer"]);
    expect(byKey.superadmin).toHaveLength(10);
    expect(byKey.admin).toContain("webhooks:manage");
    expect(byKey.admin).toContain("keys:approve");
    expect(byKey.admin).not.toContain("credentials:view");
    expect(byKey.admin).toContain("keys:create");
    expect(byKey.developer).toEqual(["audit:view", "keys:view"]);
    expect(byKey.viewer).toEqual(["keys:view"]);
  });

  it("refuses a negative balance", async () => {
    const insert = db().insert(accounts).values({ orgId, name: "Overdrawn", number: "99900000001", currency: "ZAR", mode: "live", balance: -1n });
    await expect(insert).rejects.toThrow();
    const rows = await db().select().from(accounts).where(eq(accounts.number, "99900000001"));
    expect(rows).toHaveLength(0);
  });

  it("keeps audit events append-only: update, delete and truncate are refused by the database", async () => {
    await recordAuditEvent(db(), {
      orgId,
      actorLabel: "schema-test",
      action: "test.event",
      outcome: "success",
      requestId: "schema-test",
    });
    const [event] = await db().select().from(auditEvents).where(eq(auditEvents.actorLabel, "schema-test"));
    expect(event).toBeDefined();
    await expect(db().update(auditEvents).set({ action: "tampered" }).where(eq(auditEvents.id, event!.id))).rejects.toThrow();
    await expect(db().delete(auditEvents).where(eq(auditEvents.id, event!.id))).rejects.toThrow();
    await expect(db().execute(sql`truncate audit_events`)).rejects.toThrow();
    const [after] = await db().select().from(auditEvents).where(eq(auditEvents.id, event!.id));
    expect(after?.action).toBe("test.event");
  });
});
