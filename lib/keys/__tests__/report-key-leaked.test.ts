import { and, eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { AccessError } from "@/lib/auth/errors";
import { apiKeys, auditEvents, emailOutbox, notifications, organisations } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { NotFoundError } from "@/lib/errors";
import { deleteKey } from "@/lib/keys/delete-key";
import { getKey } from "@/lib/keys/get-key";
import { listKeys } from "@/lib/keys/list-keys";
import { regenerateKey } from "@/lib/keys/regenerate-key";
import { renewKey } from "@/lib/keys/renew-key";
import { renewKeys } from "@/lib/keys/renew-keys";
import { reportKeyLeaked } from "@/lib/keys/report-key-leaked";
import { actorFor, context, db } from "@/lib/test/helpers";
import { keyVerdict as verdict, refusal } from "@/lib/test/outcomes";
import { keyRow, keyTablesSnapshot, makeKey, memberWithPermissions, pinOf } from "@/lib/test/keys";

const NALEDI = "naledi@acme.example";
const DAY = 86_400_000;

async function reportAs(email: string, keyId: string, where?: unknown, pin = pinOf(email)) {
  return reportKeyLeaked(db(), await actorFor(email), { keyId, ...(where === undefined ? {} : { where }), pin }, context);
}

/** A key of Acme that freezes in `days` (negative: froze that many days ago). */
async function dueKey(days: number) {
  const key = await makeKey();
  await db()
    .update(apiKeys)
    .set({ expiresAt: new Date(Date.now() + days * DAY) })
    .where(eq(apiKeys.id, key.id));
  return key;
}

let acmeId: string;
beforeAll(async () => {
  await seedDemoData(db());
  const [acme] = await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, ORG_NAMES.acme));
  acmeId = acme!.id;
});

describe("Report as leaked, by hand", () => {
  it("freezes the key at once with where it was found, tells its holders, and audits the member", async () => {
    const key = await makeKey();
    const naledi = await actorFor(NALEDI);
    await reportAs(NALEDI, key.id, "  pasted in the #ops chat  ");

    expect(await verdict(key.key)).toBe("key_leaked");
    const row = await keyRow(key.id);
    expect(row).toMatchObject({ leakUrl: "pasted in the #ops chat", leakSource: null, leakReportedBy: naledi.user.id });
    expect(row.leakedAt).not.toBeNull();

    const [audit, ...more] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, key.id), eq(auditEvents.action, "key.report_leaked")));
    expect(more).toHaveLength(0);
    expect(audit).toMatchObject({ actorUserId: naledi.user.id, actorLabel: NALEDI, outcome: "success", orgId: acmeId });
    expect(audit!.metadata).toMatchObject({ url: "pasted in the #ops chat", alias: key.alias });
    expect(await db().$count(notifications, eq(notifications.subjectId, key.id))).toBeGreaterThan(1);
    const mails = await db()
      .select()
      .from(emailOutbox)
      .where(like(emailOutbox.dedupeKey, `leak:${key.id}:%`));
    expect(mails.length).toBe(await db().$count(notifications, eq(notifications.subjectId, key.id)));
    expect(mails[0]!.body).toContain("pasted in the #ops chat");

    const detail = await getKey(db(), naledi, key.id);
    expect(detail.status).toBe("leaked");
    expect(detail.leak).toEqual({ at: row.leakedAt, url: "pasted in the #ops chat", source: null, reportedByName: naledi.user.name });

    // Reported twice: refused, nothing more written.
    const before = await keyTablesSnapshot();
    expect(await refusal(reportAs(NALEDI, key.id))).toMatchObject({ code: "key_already_leaked" });
    expect(await keyTablesSnapshot()).toBe(before);
  });

  it("cannot be renewed — alone or in “Renew all” — but can be regenerated (without an overlap) or deleted", async () => {
    const key = await dueKey(-2);
    const other = await dueKey(3);
    await reportAs(NALEDI, key.id, "https://pastebin.example/abc");
    const naledi = await actorFor(NALEDI);

    const before = await keyTablesSnapshot();
    expect(await refusal(renewKey(db(), naledi, { keyId: key.id, pin: pinOf(NALEDI) }, context))).toMatchObject({ code: "key_leaked" });
    expect(await refusal(renewKeys(db(), naledi, { keyIds: [other.id, key.id], pin: pinOf(NALEDI) }, context))).toMatchObject({ code: "keys_changed" });
    expect(await refusal(regenerateKey(db(), naledi, { keyId: key.id, overlap: "24h", pin: pinOf(NALEDI) }, context))).toMatchObject({
      code: "key_leaked",
      fields: { overlap: "A leaked secret stops at once" },
    });
    expect(await keyTablesSnapshot()).toBe(before);

    const rolled = await regenerateKey(db(), naledi, { keyId: key.id, pin: pinOf(NALEDI) }, context);
    expect(rolled.previousSecretExpiresAt).toBeNull();
    expect(await verdict(key.key)).toBe("invalid_key");
    // The new secret works as soon as the key is renewed: it is a frozen key again, no longer leaked.
    expect(await verdict(rolled.key)).toBe("key_frozen");
    expect((await keyRow(key.id)).leakedAt).toBeNull();
    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, key.id), eq(auditEvents.action, "key.regenerate")));
    expect(audit!.metadata).toMatchObject({ wasLeaked: true });
    await renewKey(db(), naledi, { keyId: key.id, pin: pinOf(NALEDI) }, context);
    expect(await verdict(rolled.key)).toBe("valid");

    const deleted = await makeKey();
    await reportAs(NALEDI, deleted.id);
    await deleteKey(db(), naledi, { keyId: deleted.id, confirmAlias: deleted.alias, pin: pinOf(NALEDI) }, context);
    expect((await keyRow(deleted.id)).revokedAt).not.toBeNull();
  });

  it("shows as Leaked in the list, with where, apart from the frozen and expiring keys and out of “Renew all”", async () => {
    const naledi = await actorFor(NALEDI);
    const key = await dueKey(-1);
    const before = await listKeys(db(), naledi, {});
    expect(before.dueIds).toContain(key.id);
    await reportAs(NALEDI, key.id, "https://github.com/acme/erp/commit/1f2e3d");

    const all = await listKeys(db(), naledi, {});
    const row = all.keys.find((k) => k.id === key.id)!;
    expect(row).toMatchObject({ status: "leaked", leakUrl: "https://github.com/acme/erp/commit/1f2e3d" });
    expect(all.dueIds).not.toContain(key.id);
    expect(all.frozen).toBe(before.frozen - 1);
    expect(all.leaked).toBe(before.leaked + 1);

    const ids = async (status: "leaked" | "frozen" | "expiring" | "active") => (await listKeys(db(), naledi, { status })).keys.map((k) => k.id);
    expect(await ids("leaked")).toContain(key.id);
    for (const status of ["frozen", "expiring", "active"] as const) expect(await ids(status), status).not.toContain(key.id);
    expect((await ids("leaked")).every((id) => all.keys.find((k) => k.id === id)?.status !== "frozen")).toBe(true);
  });

  it("takes a free-text “where” of up to 500 characters on one line, and refuses anything else naming the field", async () => {
    const key = await makeKey();
    const naledi = await actorFor(NALEDI);
    const before = await keyTablesSnapshot();
    const hostile: unknown[] = ["in\u0000side", "two\nlines", "tab\there", "\u007f", "a".repeat(501), 42, ["https://x.example"], { url: "x" }];
    for (const where of hostile) {
      const refused = await refusal(reportKeyLeaked(db(), naledi, { keyId: key.id, where, pin: pinOf(NALEDI) }, context));
      expect(refused.code, JSON.stringify(where)).toBe("invalid_request");
      expect(Object.keys(refused.fields), JSON.stringify(where)).toEqual(["where"]);
    }
    expect(await refusal(reportKeyLeaked(db(), naledi, { keyId: key.id, pin: pinOf(NALEDI), extra: 1 }, context))).toMatchObject({
      code: "invalid_request",
    });
    expect(await refusal(reportKeyLeaked(db(), naledi, { keyId: "not-a-uuid", pin: pinOf(NALEDI) }, context))).toMatchObject({
      code: "invalid_request",
      fields: { keyId: "Unknown key" },
    });
    expect(await refusal(reportAs(NALEDI, key.id, undefined, "000000"))).toMatchObject({ code: "pin_invalid" });
    expect(await keyTablesSnapshot()).toBe(before);

    await reportAs(NALEDI, key.id, "a".repeat(500));
    expect((await keyRow(key.id)).leakUrl).toBe("a".repeat(500));
    const blank = await makeKey();
    await reportAs(NALEDI, blank.id, "   ");
    expect((await keyRow(blank.id)).leakUrl).toBeNull();
  });

  it("does not find another organisation's key", async () => {
    const nkosi = await makeKey("thabo@nkosi.example");
    const before = await keyTablesSnapshot();
    await expect(reportAs(NALEDI, nkosi.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await keyTablesSnapshot()).toBe(before);
    expect(await verdict(nkosi.key)).toBe("valid");
  });

  describe("role matrix: only keys:delete may report", () => {
    const GRANTS = ["keys:view", "keys:create", "keys:renew", "keys:delete"] as const;
    const subsets = Array.from({ length: 16 }, (_, mask) => GRANTS.filter((_, bit) => mask & (1 << bit)));

    it.each(subsets.map((subset) => [subset.join("+") || "(none)", subset] as const))("custom role %s", async (label, subset) => {
      const actor: Actor = await memberWithPermissions(acmeId, [...subset], `leak-${label}`);
      const key = await makeKey();
      const before = await keyTablesSnapshot();
      const denied = () => db().$count(auditEvents, and(eq(auditEvents.actorUserId, actor.user.id), eq(auditEvents.outcome, "denied")));
      const deniedBefore = await denied();
      const run = reportKeyLeaked(db(), actor, { keyId: key.id, where: "matrix", pin: "482915" }, context);
      if (subset.includes("keys:delete")) {
        await run;
        expect(await verdict(key.key)).toBe("key_leaked");
      } else {
        await expect(run).rejects.toBeInstanceOf(AccessError);
        expect(await keyTablesSnapshot()).toBe(before);
        expect(await denied()).toBe(deniedBefore + 1);
        expect(await verdict(key.key)).toBe("valid");
      }
    });

    it("the built-in roles: Superadmin and Admin may, Developer and Viewer may not", async () => {
      const cases: [string, boolean][] = [
        ["naledi@acme.example", true],
        ["pieter@acme.example", true],
        ["sipho@acme.example", false],
        ["aisha@acme.example", false],
      ];
      for (const [email, allowed] of cases) {
        const key = await makeKey();
        const run = reportAs(email, key.id);
        if (allowed) await run;
        else await expect(run, email).rejects.toBeInstanceOf(AccessError);
        expect(await verdict(key.key), email).toBe(allowed ? "key_leaked" : "valid");
      }
    });
  });
});
