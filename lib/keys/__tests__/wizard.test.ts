import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { AccessError } from "@/lib/auth/errors";
import { applications, auditEvents, organisations } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { DomainError } from "@/lib/errors";
import { applyGroupPreset, groupPresetOf, groupPresetPermissions, presetOf, presetPermissions, presetUnavailableReason } from "@/lib/key-permissions";
import { checkKeyAlias } from "@/lib/keys/check-key-alias";
import { deleteKey } from "@/lib/keys/delete-key";
import { loadNewKeyPage } from "@/lib/keys/wizard-options";
import { actorFor, context, db } from "@/lib/test/helpers";
import { makeKey, memberWithPermissions, pinOf } from "@/lib/test/keys";

const ALL = ["account_information", "payments", "cards"] as const;

describe("presets per product group (seed 003)", () => {
  it("gives each group its own Read-only, Write and Full access", () => {
    expect(groupPresetPermissions("read-only", "payments")).toEqual(["payments:view"]);
    expect(groupPresetPermissions("write", "payments").sort()).toEqual(["payments:edit", "transfers:edit"]);
    expect(groupPresetPermissions("full", "cards").sort()).toEqual(["card_code:edit", "card_code:view"]);
    expect(groupPresetPermissions("write", "account_information")).toEqual([]);
  });

  it("applies a preset to one group and leaves the others as they were", () => {
    const start = ["accounts:view", "card_code:view"];
    const next = applyGroupPreset(start, "write", "payments", ALL);
    expect(next).toEqual(["accounts:view", "card_code:view", "payments:edit", "transfers:edit"]);
    // Another preset on the same group replaces that group's grants only.
    expect(applyGroupPreset(next, "read-only", "payments", ALL)).toEqual(["accounts:view", "card_code:view", "payments:view"]);
    expect(applyGroupPreset(next, "full", "account_information", ALL)).toEqual([
      "accounts:view",
      "balances:view",
      "card_code:view",
      "payments:edit",
      "statements:view",
      "tax_certificates:view",
      "transactions:view",
      "transfers:edit",
    ]);
  });

  it("never grants a group that is not enabled", () => {
    expect(applyGroupPreset(["accounts:view"], "full", "cards", ["account_information"])).toEqual(["accounts:view"]);
  });

  it("names each group's state, and the overall one turns Custom when groups differ", () => {
    const mixed = applyGroupPreset(presetPermissions("read-only", ALL), "full", "payments", ALL);
    expect(groupPresetOf(mixed, "account_information")).toBe("read-only");
    expect(groupPresetOf(mixed, "payments")).toBe("full");
    expect(groupPresetOf(mixed, "cards")).toBe("read-only");
    expect(groupPresetOf(["accounts:view"], "payments")).toBe("none");
    expect(groupPresetOf(["payments:view", "transfers:edit"], "payments")).toBe("custom");
    expect(presetOf(mixed, ALL)).toBe("custom");
    expect(presetOf(presetPermissions("write", ALL), ALL)).toBe("write");
    // With nothing to edit, every view grant reads as Read-only, not as Full access.
    expect(presetOf(presetPermissions("read-only", ["account_information"]), ["account_information"])).toBe("read-only");
  });

  it("says why a preset that would grant nothing is unavailable", () => {
    expect(presetUnavailableReason("write", ["account_information"])).toBe("Account information has nothing to edit");
    expect(presetUnavailableReason("read-only", ["account_information"])).toBeNull();
    expect(presetUnavailableReason("full", ["account_information"])).toBe("Full access is the same as Read-only here");
    expect(presetUnavailableReason("full", ["payments"])).toBeNull();
    expect(presetUnavailableReason("write", ["payments"])).toBeNull();
    expect(presetUnavailableReason("full", [])).toBe("No API product is enabled for your organisation");
    // Overall, Write is available as soon as one enabled product has something to edit.
    expect(presetUnavailableReason("write", ALL)).toBeNull();
  });
});

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, message: error.message, fields: error.fieldErrors ?? {} };
    if (error instanceof AccessError) return { code: error.code, message: error.message, fields: {} as Record<string, string> };
    throw error;
  }
  throw new Error("expected a refusal");
}

let acmeId: string;
let pendingId: string;
let erpId: string;
let treasuryId: string;
let nkosiAppId: string;
beforeAll(async () => {
  await seedDemoData(db());
  const orgs = await db().select({ id: organisations.id, name: organisations.name }).from(organisations);
  acmeId = orgs.find((o) => o.name === ORG_NAMES.acme)!.id;
  pendingId = orgs.find((o) => o.name === ORG_NAMES.pending)!.id;
  const apps = await db().select({ id: applications.id, name: applications.name, orgId: applications.orgId }).from(applications);
  erpId = apps.find((a) => a.name === "ERP integration")!.id;
  treasuryId = apps.find((a) => a.name === "Treasury bot")!.id;
  nkosiAppId = apps.find((a) => a.orgId === orgs.find((o) => o.name === ORG_NAMES.nkosi)!.id)!.id;
});

describe("checkKeyAlias: the alias is checked when the wizard's first step is submitted", () => {
  it("answers that a free alias is free", async () => {
    const naledi = await actorFor("naledi@acme.example");
    expect(await checkKeyAlias(db(), naledi, { alias: "  Fresh alias ", applicationId: erpId }, context)).toEqual({ alias: "Fresh alias", available: true });
  });

  it("names the application when an active key already has the alias, and frees it once that key is deleted", async () => {
    const key = await makeKey("naledi@acme.example", { alias: "Nightly sync", applicationId: erpId });
    const pieter = await actorFor("pieter@acme.example");
    const taken = await refusal(checkKeyAlias(db(), pieter, { alias: "Nightly sync", applicationId: erpId }, context));
    expect(taken.code).toBe("alias_taken");
    expect(taken.fields).toEqual({ alias: "An active key in ERP integration is already called “Nightly sync”. Choose another alias." });
    // The same alias in the organisation's other application is free.
    expect(await checkKeyAlias(db(), pieter, { alias: "Nightly sync", applicationId: treasuryId }, context)).toMatchObject({ available: true });

    const naledi = await actorFor("naledi@acme.example");
    await deleteKey(db(), naledi, { keyId: key.id, confirmAlias: "Nightly sync", pin: pinOf("naledi@acme.example") }, context);
    expect(await checkKeyAlias(db(), pieter, { alias: "Nightly sync", applicationId: erpId }, context)).toMatchObject({ available: true });
  });

  it("is scoped to the actor's organisation: an alias used in another organisation is free", async () => {
    await makeKey("thabo@nkosi.example", { alias: "Budget sync" });
    const naledi = await actorFor("naledi@acme.example");
    expect(await checkKeyAlias(db(), naledi, { alias: "Budget sync", applicationId: erpId }, context)).toMatchObject({ available: true });
  });

  it("refuses another organisation's application as a field error, revealing nothing about it", async () => {
    await makeKey("thabo@nkosi.example", { alias: "Their key" });
    const naledi = await actorFor("naledi@acme.example");
    const foreign = await refusal(checkKeyAlias(db(), naledi, { alias: "Their key", applicationId: nkosiAppId }, context));
    expect(foreign).toEqual({
      code: "invalid_request",
      message: "Check the highlighted fields.",
      fields: { applicationId: "Choose one of your applications" },
    });
    const unknown = await refusal(checkKeyAlias(db(), naledi, { alias: "Anything", applicationId: "00000000-0000-4000-8000-000000000001" }, context));
    expect(unknown.fields).toEqual(foreign.fields);
  });

  it("is refused while key management is closed (onboarding pending)", async () => {
    const kagiso = await actorFor("kagiso@pending.example");
    const closed = await refusal(checkKeyAlias(db(), kagiso, { alias: "Ledger", applicationId: erpId }, context));
    expect(closed.code).toBe("key_management_closed");
  });

  describe("role matrix: needs keys:create; a refusal is audited", () => {
    const GRANTS = ["keys:view", "keys:create", "keys:renew", "keys:delete"] as const;
    const subsets = Array.from({ length: 16 }, (_, mask) => GRANTS.filter((_, bit) => mask & (1 << bit)));

    async function outcome(actor: Actor) {
      const denied = () => db().$count(auditEvents, and(eq(auditEvents.actorUserId, actor.user.id), eq(auditEvents.outcome, "denied")));
      const before = await denied();
      try {
        await checkKeyAlias(db(), actor, { alias: "Matrix alias", applicationId: erpId }, context);
        return "allowed";
      } catch (error) {
        if (!(error instanceof AccessError)) throw error;
        expect(await denied()).toBe(before + 1);
        return "refused";
      }
    }

    it.each(subsets.map((subset) => [subset.join("+") || "(none)", subset] as const))("custom role %s", async (label, subset) => {
      const actor = await memberWithPermissions(acmeId, [...subset], `alias-${label}`);
      expect(await outcome(actor)).toBe(subset.includes("keys:create") ? "allowed" : "refused");
    });

    it.each([
      ["naledi@acme.example", "allowed"],
      ["pieter@acme.example", "allowed"],
      ["sipho@acme.example", "refused"],
      ["aisha@acme.example", "refused"],
      ["johan@acme.example", "refused"],
    ] as const)("built-in and demo role: %s is %s", async (email, expected) => {
      expect(await outcome(await actorFor(email))).toBe(expected);
    });
  });

  describe("hostile input is a field error, never a crash", () => {
    const cases: [string, unknown, string][] = [
      ["NUL in the alias", { alias: "ERP\u0000sync", applicationId: "" }, "alias"],
      ["a control character in the alias", { alias: "ERP\u001bsync", applicationId: "" }, "alias"],
      ["a 10,000-character alias", { alias: "a".repeat(10_000), applicationId: "" }, "alias"],
      ["an alias that is a number", { alias: 42, applicationId: "" }, "alias"],
      ["an alias that is an object", { alias: { $ne: "" }, applicationId: "" }, "alias"],
      ["an empty alias", { alias: "   ", applicationId: "" }, "alias"],
      ["an application id that is not a uuid", { alias: "Fine", applicationId: "'; drop table api_keys; --" }, "applicationId"],
      ["an application id that is an array", { alias: "Fine", applicationId: ["x"] }, "applicationId"],
      ["an application id with NUL", { alias: "Fine", applicationId: "\u0000" }, "applicationId"],
      ["a missing application id", { alias: "Fine" }, "applicationId"],
      ["an extra field (mass assignment)", { alias: "Fine", applicationId: "00000000-0000-4000-8000-000000000001", orgId: "x" }, "form"],
      ["null instead of an object", null, "form"],
      ["a string instead of an object", "alias", "form"],
    ];

    it.each(cases)("%s", async (_label, input, field) => {
      const naledi = await actorFor("naledi@acme.example");
      const refused = await refusal(checkKeyAlias(db(), naledi, input, context));
      expect(refused.code).toBe("invalid_request");
      expect(Object.keys(refused.fields)).toContain(field);
      expect(refused.fields[field]).toMatch(/\S/);
    });

    it("an alias of exactly 64 characters is accepted", async () => {
      const naledi = await actorFor("naledi@acme.example");
      expect(await checkKeyAlias(db(), naledi, { alias: "b".repeat(64), applicationId: erpId }, context)).toMatchObject({ available: true });
    });
  });
});

describe("loadNewKeyPage: the new-key page says what is missing", () => {
  it("opens the wizard with the organisation's applications when nothing is missing", async () => {
    const page = await loadNewKeyPage(db(), await actorFor("naledi@acme.example"));
    expect(page.blocker).toBeNull();
    expect(page.options?.applications.map((a) => a.name).sort()).toEqual(["ERP integration", "Treasury bot"]);
  });

  it("keeps the onboarding blockers for an organisation not yet approved", async () => {
    const page = await loadNewKeyPage(db(), await actorFor("kagiso@pending.example"));
    expect(page.blocker).toMatchObject({ kind: "onboarding", title: "API keys are not available yet" });
    expect(page.blocker?.message).toContain("The bank has not yet approved your organisation's onboarding.");
  });

  it("tells a member without keys:create so", async () => {
    const page = await loadNewKeyPage(db(), await actorFor("sipho@acme.example"));
    expect(page.blocker).toMatchObject({ kind: "forbidden", title: "You can't create keys" });
  });

  it("an approved organisation with a product and no application is sent to the Credentials page", async () => {
    await db()
      .update(organisations)
      .set({ status: "approved", products: ["account_information"] })
      .where(eq(organisations.id, pendingId));
    await db().delete(applications).where(eq(applications.orgId, pendingId));

    const superadmin = await loadNewKeyPage(db(), await actorFor("kagiso@pending.example"));
    expect(superadmin.options).toBeNull();
    expect(superadmin.blocker).toEqual({
      kind: "no_application",
      title: "Add an application first",
      message:
        "Keys belong to an application (a connection with its own client ID and secret), and your organisation has none yet. Add one on the Credentials page, then come back to create its first key.",
      link: { href: "/credentials", label: "Add an application" },
    });

    // A member who may create keys but not manage credentials is told who can, with no dead-end link.
    const creator = await memberWithPermissions(pendingId, ["keys:view", "keys:create"], "pending-creator");
    const page = await loadNewKeyPage(db(), creator);
    expect(page.blocker).toMatchObject({ kind: "no_application", link: null });
    expect(page.blocker?.message).toContain("Your Superadmin, or a member who manages credentials, can add one on the Credentials page.");
  });
});
