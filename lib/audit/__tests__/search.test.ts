import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { AUDIT_PAGE_SIZE, auditCsv, exportAuditEvents, searchAuditEvents } from "@/lib/audit/list-events";
import { AccessError } from "@/lib/auth/errors";
import { auditEvents, organisations } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { DomainError } from "@/lib/errors";
import { actorFor, db } from "@/lib/test/helpers";

const DAY = 86_400_000;
/** 130 events spread over 13 days of November 2025, well before anything the seed records. */
const SPREAD = 130;

async function orgId(name: string) {
  return (await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)))[0]!.id;
}

beforeAll(async () => {
  await seedDemoData(db());
  const acme = await orgId(ORG_NAMES.acme);
  const nkosi = await orgId(ORG_NAMES.nkosi);
  const start = Date.parse("2025-11-01T08:00:00Z");
  await db()
    .insert(auditEvents)
    .values(
      Array.from({ length: SPREAD }, (_, i) => ({
        orgId: acme,
        actorLabel: i % 2 === 0 ? "auditor-even@acme.example" : "auditor-odd@acme.example",
        action: i % 5 === 0 ? "key.delete" : "key.create",
        targetType: "api_key",
        targetId: `key-${String(i).padStart(3, "0")}`,
        outcome: "success" as const,
        requestId: `search-${i}`,
        occurredAt: new Date(start + Math.floor(i / 10) * DAY + (i % 10) * 60_000),
      })),
    );
  // Another organisation's event, on the same days, by a look-alike actor: never shown to Acme.
  await db()
    .insert(auditEvents)
    .values({
      orgId: nkosi,
      actorLabel: "auditor-even@acme.example",
      action: "key.create",
      targetType: "api_key",
      targetId: "key-000",
      outcome: "success",
      requestId: "search-other-org",
      occurredAt: new Date(start),
    });
  // A cell a spreadsheet would run as a formula, and one that needs quoting.
  await db()
    .insert(auditEvents)
    .values({
      orgId: acme,
      actorLabel: '=HYPERLINK("http://evil.example","x")',
      action: "key.rename",
      targetType: "api_key",
      targetId: "a,b",
      outcome: "success",
      requestId: "search-formula",
      occurredAt: new Date(start - DAY),
    });
});

describe("the audit log's search", () => {
  it("filters by actor, action, target and date range, within the organisation only", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const even = await searchAuditEvents(db(), naledi, { actor: "auditor-even", from: "2025-11-01", to: "2025-11-13" });
    expect(even.events).toHaveLength(AUDIT_PAGE_SIZE);
    expect(even.hasNext).toBe(true);
    expect(await exportAuditEvents(db(), naledi, { actor: "auditor-even", from: "2025-11-01", to: "2025-11-13" })).toHaveLength(SPREAD / 2);
    expect(new Set(even.events.map((e) => e.actorLabel))).toEqual(new Set(["auditor-even@acme.example"]));
    expect(even.events.some((e) => e.requestId === "search-other-org")).toBe(false);

    const deletes = await searchAuditEvents(db(), naledi, { action: "key.delete", from: "2025-11-01", to: "2025-11-30" });
    expect(deletes.events).toHaveLength(SPREAD / 5);
    expect(deletes.events.every((e) => e.action === "key.delete")).toBe(true);

    const target = await searchAuditEvents(db(), naledi, { target: "key-04" });
    expect(target.events.map((e) => e.targetId).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `key-04${i}`));

    // Both ends of the date range are whole days, inclusive.
    const twoDays = await searchAuditEvents(db(), naledi, { from: "2025-11-03", to: "2025-11-04", actor: "auditor-" });
    expect(twoDays.events).toHaveLength(20);
    expect(twoDays.events.every((e) => e.occurredAt >= new Date("2025-11-03T00:00:00Z") && e.occurredAt < new Date("2025-11-05T00:00:00Z"))).toBe(true);
  });

  it("treats % and _ in a filter as text, not as wildcards", async () => {
    const naledi = await actorFor("naledi@acme.example");
    expect((await searchAuditEvents(db(), naledi, { actor: "%" })).events).toHaveLength(0);
    expect((await searchAuditEvents(db(), naledi, { target: "key_0" })).events).toHaveLength(0);
  });

  it("pages newest first, without overlap or gaps", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const filters = { actor: "auditor-", from: "2025-11-01", to: "2025-11-30" };
    const seen: string[] = [];
    let page = 1;
    for (;;) {
      const result = await searchAuditEvents(db(), naledi, { ...filters, page: String(page) });
      expect(result.events.length).toBeLessThanOrEqual(AUDIT_PAGE_SIZE);
      seen.push(...result.events.map((e) => e.requestId));
      if (!result.hasNext) break;
      expect(result.events).toHaveLength(AUDIT_PAGE_SIZE);
      page += 1;
    }
    expect(page).toBe(Math.ceil(SPREAD / AUDIT_PAGE_SIZE));
    expect(seen).toHaveLength(SPREAD);
    expect(new Set(seen).size).toBe(SPREAD);
    expect(seen[0]).toBe(`search-${SPREAD - 1}`);
    expect(seen.at(-1)).toBe("search-0");
  });

  it("names the field of a bad filter", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const refusal = (input: unknown) =>
      searchAuditEvents(db(), naledi, input).then(
        () => null,
        (e: unknown) => e,
      );
    const badDate = await refusal({ from: "2025-13-45" });
    expect(badDate).toBeInstanceOf(DomainError);
    expect((badDate as DomainError).fieldErrors).toEqual({ from: "That is not a date" });
    expect(((await refusal({ to: "yesterday" })) as DomainError).fieldErrors).toEqual({ to: "Write the date day first, like 31/12/2026" });
    expect(((await refusal({ action: "key.create; drop table" })) as DomainError).fieldErrors).toEqual({ action: "Choose an action from the list" });
    expect(((await refusal({ page: "0" })) as DomainError).fieldErrors?.page).toBeDefined();
  });

  it("is refused to members without audit:view", async () => {
    const aisha = await actorFor("aisha@acme.example");
    await expect(searchAuditEvents(db(), aisha, {})).rejects.toBeInstanceOf(AccessError);
    await expect(exportAuditEvents(db(), aisha, {})).rejects.toBeInstanceOf(AccessError);
  });
});

describe("the CSV export", () => {
  it("holds every matching row, quotes what needs quoting and defuses formulas", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const rows = await exportAuditEvents(db(), naledi, { from: "2025-10-01", to: "2025-11-30" });
    expect(rows).toHaveLength(SPREAD + 1);
    const csv = auditCsv(rows);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("occurred_at,actor,action,target_type,target,target_id,outcome,ip,request_id,hash");
    expect(lines).toHaveLength(SPREAD + 2);
    // The last column is each event's hash in its organisation's chain, as the database holds it.
    const hashOf = async (requestId: string) =>
      (await db().select({ hash: auditEvents.hash }).from(auditEvents).where(eq(auditEvents.requestId, requestId)))[0]!.hash;
    expect(lines.at(-1)).toBe(
      `2025-10-31T08:00:00.000Z,"'=HYPERLINK(""http://evil.example"",""x"")",key.rename,api_key,,"a,b",success,,search-formula,${await hashOf("search-formula")}`,
    );
    expect(lines[1]).toBe(`2025-11-13T08:09:00.000Z,auditor-odd@acme.example,key.create,api_key,,key-129,success,,search-129,${await hashOf("search-129")}`);
    expect(await hashOf("search-129")).toMatch(/^[0-9a-f]{64}$/);
  });
});
