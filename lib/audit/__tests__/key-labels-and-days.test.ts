import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDay } from "@/lib/audit/audit-filters";
import { auditCsv, exportAuditEvents, searchAuditEvents } from "@/lib/audit/list-events";
import { auditEvents, organisations } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { DomainError } from "@/lib/errors";
import { deleteKey } from "@/lib/keys/delete-key";
import { actorFor, context, db } from "@/lib/test/helpers";
import { makeKey, pinOf } from "@/lib/test/keys";

async function orgId(name: string) {
  return (await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)))[0]!.id;
}

let kept: { id: string; prefix: string };
let deleted: { id: string; prefix: string };

beforeAll(async () => {
  await seedDemoData(db());
  const naledi = await actorFor("naledi@acme.example");
  kept = await makeKey("naledi@acme.example", { alias: "ERP sync" });
  deleted = await makeKey("naledi@acme.example", { alias: "Old export" });
  await deleteKey(db(), naledi, { keyId: deleted.id, confirmAlias: "Old export", pin: pinOf("naledi@acme.example") }, context);
});

describe("the audit log names keys by alias and prefix", () => {
  it("for a key that exists and for a deleted one, in the page and in the CSV", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const { events } = await searchAuditEvents(db(), naledi, { target: "api_key" });
    const created = events.find((e) => e.action === "key.create" && e.targetId === kept.id)!;
    expect(created.targetLabel).toBe(`ERP sync · ${kept.prefix}…`);
    const gone = events.filter((e) => e.targetId === deleted.id).map((e) => [e.action, e.targetLabel]);
    expect(gone).toEqual([
      ["key.delete", `Old export · ${deleted.prefix}…`],
      ["key.create", `Old export · ${deleted.prefix}…`],
    ]);
    // Nothing else of the event's metadata reaches the page (the confirming passkey's name only).
    expect(Object.keys(created).sort()).toEqual([
      "action",
      "actorLabel",
      "confirmedWithPasskey",
      "id",
      "ip",
      "occurredAt",
      "outcome",
      "requestId",
      "targetHref",
      "targetId",
      "targetLabel",
      "targetType",
    ]);
    // The key that exists opens; the deleted one has nowhere to go.
    expect(created.targetHref).toBe(`/keys/${kept.id}`);
    expect(events.filter((e) => e.targetId === deleted.id).map((e) => e.targetHref)).toEqual([null, null]);

    const csv = auditCsv(await exportAuditEvents(db(), naledi, { target: "api_key" }));
    const line = csv.split("\r\n").find((l) => l.includes(`,key.delete,`) && l.includes(deleted.id))!;
    expect(line).toContain(`,key.delete,api_key,Old export · ${deleted.prefix}…,${deleted.id},success,`);
  });

  it("finds a key's events by its alias or prefix in the target filter", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const byAlias = await searchAuditEvents(db(), naledi, { target: "old exp" });
    expect(new Set(byAlias.events.map((e) => e.targetId))).toEqual(new Set([deleted.id]));
    const byPrefix = await searchAuditEvents(db(), naledi, { target: kept.prefix });
    expect(new Set(byPrefix.events.map((e) => e.targetId))).toEqual(new Set([kept.id]));
  });

  it("falls back to what the event recorded, and never names another organisation's key", async () => {
    const acme = await orgId(ORG_NAMES.acme);
    const nkosi = await orgId(ORG_NAMES.nkosi);
    // A tombstone recorded before keys kept their rows, and an event pointing at another organisation's key.
    await db()
      .insert(auditEvents)
      .values([
        {
          orgId: acme,
          actorLabel: "naledi@acme.example",
          action: "key.delete",
          targetType: "api_key",
          targetId: "7b0c3f6e-0000-4000-8000-000000000001",
          outcome: "success",
          requestId: "label-meta",
          metadata: { alias: "Legacy feed", prefix: "lk_live_9Zq1" },
        },
      ]);
    const thabo = await actorFor("thabo@nkosi.example");
    const nkosiKey = await makeKey("thabo@nkosi.example", { alias: "Private budget" });
    await db().insert(auditEvents).values({
      orgId: acme,
      actorLabel: "x@acme.example",
      action: "key.renew",
      targetType: "api_key",
      targetId: nkosiKey.id,
      outcome: "denied",
      requestId: "label-foreign",
    });
    const naledi = await actorFor("naledi@acme.example");
    const { events } = await searchAuditEvents(db(), naledi, { target: "api_key" });
    expect(events.find((e) => e.requestId === "label-meta")!.targetLabel).toBe("Legacy feed · lk_live_9Zq1…");
    expect(events.find((e) => e.requestId === "label-foreign")!.targetLabel).toBeNull();
    expect(JSON.stringify(events)).not.toContain("Private budget");
    expect(thabo.org!.id).toBe(nkosi);
  });

  it("names a key that acted through the API the same way, and finds it by alias", async () => {
    const acme = await orgId(ORG_NAMES.acme);
    const nkosiKey = await makeKey("thabo@nkosi.example", { alias: "Someone else's" });
    await db()
      .insert(auditEvents)
      .values([
        {
          orgId: acme,
          actorKeyId: kept.id,
          actorLabel: `${kept.prefix}… (API key)`,
          action: "api.transfer",
          targetType: "transfer",
          targetId: "t-1",
          outcome: "success",
          requestId: "actor-key",
        },
        {
          orgId: acme,
          actorKeyId: nkosiKey.id,
          actorLabel: `${nkosiKey.prefix}… (API key)`,
          action: "api.transfer",
          targetType: "transfer",
          targetId: "t-2",
          outcome: "success",
          requestId: "actor-foreign-key",
        },
      ]);
    const naledi = await actorFor("naledi@acme.example");
    const { events } = await searchAuditEvents(db(), naledi, { action: "api.transfer" });
    expect(events.find((e) => e.requestId === "actor-key")!.actorLabel).toBe(`ERP sync · ${kept.prefix}…`);
    expect(events.find((e) => e.requestId === "actor-foreign-key")!.actorLabel).toBe(`${nkosiKey.prefix}… (API key)`);
    const byAlias = await searchAuditEvents(db(), naledi, { actor: "erp sync" });
    expect(byAlias.events.map((e) => e.requestId)).toEqual(["actor-key"]);
    const csv = auditCsv(await exportAuditEvents(db(), naledi, { action: "api.transfer" }));
    expect(csv).toContain(`,ERP sync · ${kept.prefix}…,api.transfer,transfer,,t-1,success,`);
  });

  it("names applications and members too", async () => {
    const naledi = await actorFor("naledi@acme.example");
    await db()
      .insert(auditEvents)
      .values({
        orgId: await orgId(ORG_NAMES.acme),
        actorLabel: "naledi@acme.example",
        action: "member.remove",
        targetType: "member",
        targetId: "00000000-0000-4000-8000-00000000abcd",
        outcome: "success",
        requestId: "label-member",
        metadata: { email: "gone@acme.example", role: "Viewer" },
      });
    const { events } = await searchAuditEvents(db(), naledi, {});
    expect(events.find((e) => e.requestId === "label-member")!.targetLabel).toBe("gone@acme.example");
  });
});

describe("the audit log's dates are day first (en-ZA)", () => {
  it("parses dd/mm/yyyy strictly, and the ISO form", () => {
    expect(parseDay("31/12/2026")).toEqual({ ok: true, iso: "2026-12-31" });
    expect(parseDay("1/2/2026")).toEqual({ ok: true, iso: "2026-02-01" });
    expect(parseDay(" 05/11/2026 ")).toEqual({ ok: true, iso: "2026-11-05" });
    expect(parseDay("2026-12-31")).toEqual({ ok: true, iso: "2026-12-31" });
    expect(parseDay("29/02/2028")).toEqual({ ok: true, iso: "2028-02-29" });
    expect(parseDay("12/31/2026")).toEqual({ ok: false, message: "There is no month 31: write the date day first, like 31/12/2026" });
    for (const bad of ["29/02/2026", "31/04/2026", "00/01/2026", "32/01/2026", "2026-13-01", "31/12/0999"])
      expect(parseDay(bad)).toEqual({ ok: false, message: "That is not a date" });
    for (const bad of ["31-12-2026", "31.12.2026", "31/12/26", "31/12/2026x", "tomorrow", "3１/12/2026", "31/12/2026\u0000", "\u202e31/12/2026"])
      expect(parseDay(bad)).toEqual({ ok: false, message: "Write the date day first, like 31/12/2026" });
  });

  it("filters whole South African days, both ends included", async () => {
    const acme = await orgId(ORG_NAMES.acme);
    await db()
      .insert(auditEvents)
      .values([
        // 00:30 SAST on 31 December 2026 is still 30 December in UTC.
        {
          orgId: acme,
          actorLabel: "days@acme.example",
          action: "key.renew",
          outcome: "success",
          requestId: "day-early",
          occurredAt: new Date("2026-12-30T22:30:00Z"),
        },
        {
          orgId: acme,
          actorLabel: "days@acme.example",
          action: "key.renew",
          outcome: "success",
          requestId: "day-late",
          occurredAt: new Date("2026-12-31T21:59:00Z"),
        },
        {
          orgId: acme,
          actorLabel: "days@acme.example",
          action: "key.renew",
          outcome: "success",
          requestId: "day-after",
          occurredAt: new Date("2026-12-31T22:00:00Z"),
        },
        {
          orgId: acme,
          actorLabel: "days@acme.example",
          action: "key.renew",
          outcome: "success",
          requestId: "day-before",
          occurredAt: new Date("2026-12-30T21:59:00Z"),
        },
      ]);
    const naledi = await actorFor("naledi@acme.example");
    const result = await searchAuditEvents(db(), naledi, { actor: "days@", from: "31/12/2026", to: "31/12/2026" });
    expect(result.events.map((e) => e.requestId).sort()).toEqual(["day-early", "day-late"]);
    expect(result.filters).toMatchObject({ from: "2026-12-31", to: "2026-12-31" });
  });

  it("a month-first or impossible date, or one out of order, is the field's error — never a crash", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const refusal = (input: unknown) =>
      searchAuditEvents(db(), naledi, input).then(
        () => null,
        (e: unknown) => e as DomainError,
      );
    expect((await refusal({ from: "12/31/2026" }))?.fieldErrors).toEqual({ from: "There is no month 31: write the date day first, like 31/12/2026" });
    expect((await refusal({ to: "31/02/2026" }))?.fieldErrors).toEqual({ to: "That is not a date" });
    expect((await refusal({ from: "31/12/2026", to: "01/12/2026" }))?.fieldErrors).toEqual({ to: "The end date is before the start date" });
    for (const hostile of ["\u0000", "x".repeat(100_000), "1/1/2026'; drop table audit_events;--", "%", "９/9/2026"]) {
      const error = await refusal({ from: hostile });
      expect(error).toBeInstanceOf(DomainError);
      expect(Object.keys(error!.fieldErrors!)).toEqual(["from"]);
    }
    for (const wrongType of [42, ["31/12/2026"], { day: 31 }, null]) {
      const error = await refusal({ to: wrongType });
      expect(error).toBeInstanceOf(DomainError);
      expect(Object.keys(error!.fieldErrors!)).toEqual(["to"]);
    }
    expect((await refusal({ actor: "a\u0000b" }))?.fieldErrors).toEqual({ actor: "Remove the control characters" });
    expect((await refusal({ target: "x".repeat(101) }))?.fieldErrors).toEqual({ target: "Keep it to 100 characters" });
    // The audit table is intact.
    expect(
      (
        await db()
          .select()
          .from(auditEvents)
          .where(and(eq(auditEvents.requestId, "day-late")))
      ).length,
    ).toBe(1);
  });
});
