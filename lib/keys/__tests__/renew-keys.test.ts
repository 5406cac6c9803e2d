import { and, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { apiKeys, auditEvents, organisations } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { deleteKey } from "@/lib/keys/delete-key";
import { renewKey } from "@/lib/keys/renew-key";
import { renewKeys } from "@/lib/keys/renew-keys";
import { actorFor, context, db } from "@/lib/test/helpers";
import { refusal } from "@/lib/test/outcomes";
import { keyRow, keyTablesSnapshot, makeKey, memberWithPermissions, pinOf } from "@/lib/test/keys";

const DAY = 86_400_000;

async function acmeId() {
  const [org] = await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, ORG_NAMES.acme));
  return org!.id;
}

/** A key of the organisation that freezes in `days` (negative: froze that many days ago). */
async function dueKey(days: number, email = "naledi@acme.example") {
  const key = await makeKey(email);
  await db()
    .update(apiKeys)
    .set({ expiresAt: new Date(Date.now() + days * DAY) })
    .where(eq(apiKeys.id, key.id));
  return key;
}

const renewAudits = (ids: string[]) =>
  db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, "key.renew"), eq(auditEvents.outcome, "success"), inArray(auditEvents.targetId, ids)));

beforeAll(async () => {
  await seedDemoData(db());
});

describe("renewing several keys at once", () => {
  const roles: [string, () => Promise<Actor>, string, boolean][] = [
    ["Superadmin", () => actorFor("naledi@acme.example"), pinOf("naledi@acme.example"), true],
    ["Admin", () => actorFor("pieter@acme.example"), pinOf("pieter@acme.example"), true],
    ["Key renewer (custom role: view and renew)", () => actorFor("johan@acme.example"), pinOf("johan@acme.example"), true],
    ["Developer", () => actorFor("sipho@acme.example"), pinOf("sipho@acme.example"), false],
    ["Viewer", () => actorFor("aisha@acme.example"), pinOf("aisha@acme.example"), false],
    [
      "custom role that may delete but not renew",
      () => acmeId().then((org) => memberWithPermissions(org, ["keys:view", "keys:delete"], "Deleter only")),
      "482915",
      false,
    ],
  ];

  for (const [role, actorOf, pin, allowed] of roles) {
    it(`${allowed ? "lets" : "refuses"} the ${role}`, async () => {
      const actor = await actorOf();
      const expiring = await dueKey(5);
      const frozen = await dueKey(-3);
      const before = await keyTablesSnapshot();
      const deniedBefore = await db().$count(auditEvents, and(eq(auditEvents.actorUserId, actor.user.id), eq(auditEvents.outcome, "denied")));
      if (!allowed) {
        expect((await refusal(renewKeys(db(), actor, { keyIds: [expiring.id, frozen.id], pin }, context))).code).toBe("forbidden");
        expect(await keyTablesSnapshot()).toBe(before);
        expect(await db().$count(auditEvents, and(eq(auditEvents.actorUserId, actor.user.id), eq(auditEvents.outcome, "denied")))).toBe(deniedBefore + 1);
        return;
      }
      const result = await renewKeys(db(), actor, { keyIds: [expiring.id, frozen.id], pin }, context);
      expect(result.renewed).toBe(2);
      for (const id of [expiring.id, frozen.id]) {
        const row = await keyRow(id);
        expect((row.expiresAt.getTime() - Date.now()) / DAY).toBeCloseTo(90, 2);
        expect(row.renewedAt).not.toBeNull();
      }
      // One audit row per key, with the metadata a single renewal writes.
      const audits = await renewAudits([expiring.id, frozen.id]);
      expect(audits).toHaveLength(2);
      for (const audit of audits) {
        expect(audit.actorUserId).toBe(actor.user.id);
        expect(Object.keys(audit.metadata as object).sort()).toEqual(["alias", "expiresAt", "prefix", "previousExpiry"]);
      }
      const frozenAudit = audits.find((a) => a.targetId === frozen.id)!;
      expect(frozenAudit.metadata).toMatchObject({ alias: frozen.alias, prefix: frozen.key.slice(0, 12) });
      expect(new Date((frozenAudit.metadata as { previousExpiry: string }).previousExpiry).getTime()).toBeLessThan(Date.now());
    });
  }

  it("writes the same audit metadata as renewing one key alone", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const alone = await dueKey(2);
    const together = await dueKey(2);
    await renewKey(db(), naledi, { keyId: alone.id, pin: pinOf("naledi@acme.example") }, context);
    await renewKeys(db(), naledi, { keyIds: [together.id], pin: pinOf("naledi@acme.example") }, context);
    const [a] = await renewAudits([alone.id]);
    const [b] = await renewAudits([together.id]);
    expect(Object.keys(a!.metadata as object).sort()).toEqual(Object.keys(b!.metadata as object).sort());
  });

  it("refuses the whole request when one id is another organisation's key, and audits the attempt", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const own = await dueKey(4);
    const nkosi = await dueKey(4, "thabo@nkosi.example");
    const before = await keyTablesSnapshot();
    const denied = () =>
      db().$count(auditEvents, and(eq(auditEvents.actorUserId, naledi.user.id), eq(auditEvents.action, "key.renew"), eq(auditEvents.outcome, "denied")));
    const deniedBefore = await denied();
    expect((await refusal(renewKeys(db(), naledi, { keyIds: [own.id, nkosi.id], pin: pinOf("naledi@acme.example") }, context))).code).toBe("not_found");
    expect(await keyTablesSnapshot()).toBe(before);
    expect(await renewAudits([own.id, nkosi.id])).toHaveLength(0);
    expect(await denied()).toBe(deniedBefore + 1);
    // An id that exists nowhere is refused the same way.
    expect(
      (await refusal(renewKeys(db(), naledi, { keyIds: [own.id, "00000000-0000-4000-8000-000000000001"], pin: pinOf("naledi@acme.example") }, context))).code,
    ).toBe("not_found");
    expect(await keyTablesSnapshot()).toBe(before);
  });

  it("renews nothing when the PIN is wrong", async () => {
    const pieter = await actorFor("pieter@acme.example");
    const a = await dueKey(1);
    const b = await dueKey(-10);
    const before = await keyTablesSnapshot();
    expect((await refusal(renewKeys(db(), pieter, { keyIds: [a.id, b.id], pin: "000001" }, context))).code).toBe("pin_invalid");
    expect(await keyTablesSnapshot()).toBe(before);
    expect(await renewAudits([a.id, b.id])).toHaveLength(0);
  });

  it("renews nothing when a key was renewed or deleted since the page was shown", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const pin = pinOf("naledi@acme.example");
    const still = await dueKey(6);
    const renewedMeanwhile = await dueKey(6);
    await renewKey(db(), naledi, { keyId: renewedMeanwhile.id, pin }, context);
    let before = await keyTablesSnapshot();
    expect((await refusal(renewKeys(db(), naledi, { keyIds: [still.id, renewedMeanwhile.id], pin }, context))).code).toBe("keys_changed");
    expect(await keyTablesSnapshot()).toBe(before);

    const deletedMeanwhile = await dueKey(6);
    await deleteKey(db(), naledi, { keyId: deletedMeanwhile.id, confirmAlias: deletedMeanwhile.alias, pin }, context);
    before = await keyTablesSnapshot();
    expect((await refusal(renewKeys(db(), naledi, { keyIds: [still.id, deletedMeanwhile.id], pin }, context))).code).toBe("keys_changed");
    expect(await keyTablesSnapshot()).toBe(before);
    expect(await renewAudits([still.id])).toHaveLength(0);
  });

  it("is closed while key management is (an organisation not yet approved)", async () => {
    const kagiso = await actorFor("kagiso@pending.example");
    const key = await dueKey(3);
    const before = await keyTablesSnapshot();
    const result = await refusal(renewKeys(db(), kagiso, { keyIds: [key.id], pin: pinOf("kagiso@pending.example") }, context));
    expect(result.code).toBe("key_management_closed");
    expect(await keyTablesSnapshot()).toBe(before);
  });

  it("answers hostile input with a field error naming the field, and renews nothing", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const pin = pinOf("naledi@acme.example");
    const key = await dueKey(2);
    const before = await keyTablesSnapshot();
    const tenThousand = Array.from({ length: 10_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const cases: [unknown, string][] = [
      [{ keyIds: [`${key.id}\u0000`], pin }, "keyIds"],
      [{ keyIds: ["\u0000"], pin }, "keyIds"],
      [{ keyIds: tenThousand, pin }, "keyIds"],
      [{ keyIds: Array.from({ length: 10_000 }, () => "x"), pin }, "keyIds"],
      [{ keyIds: key.id, pin }, "keyIds"],
      [{ keyIds: [123], pin }, "keyIds"],
      [{ keyIds: [{ id: key.id }], pin }, "keyIds"],
      [{ keyIds: [], pin }, "keyIds"],
      [{ keyIds: [key.id, key.id], pin }, "keyIds"],
      [{ keyIds: null, pin }, "keyIds"],
      [{ pin }, "keyIds"],
      [{ keyIds: [key.id], pin: 482915 }, "pin"],
      [{ keyIds: [key.id], pin: "12\u00003456" }, "pin"],
      [{ keyIds: [key.id], pin: "9".repeat(10_000) }, "pin"],
      [{ keyIds: [key.id], pin, orgId: "00000000-0000-4000-8000-000000000000" }, "form"],
      [{ keyIds: [key.id], pin, expiresAt: "2099-01-01" }, "form"],
    ];
    for (const [input, field] of cases) {
      const result = await refusal(renewKeys(db(), naledi, input, context));
      expect(result.code, JSON.stringify(input).slice(0, 80)).toBe("invalid_request");
      expect(Object.keys(result.fields), JSON.stringify(input).slice(0, 80)).toContain(field);
    }
    for (const input of [null, "keys", 42, [key.id]]) {
      expect((await refusal(renewKeys(db(), naledi, input, context))).code).toBe("invalid_request");
    }
    expect(await keyTablesSnapshot()).toBe(before);
  });
});
