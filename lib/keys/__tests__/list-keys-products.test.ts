import { beforeAll, describe, expect, it } from "vitest";
import { seedDemoData } from "@/lib/demo/seed";
import { formatExpiry } from "@/lib/format";
import { grantsByProduct, keyProducts, movesMoney } from "@/lib/key-grants";
import { listKeys, listKeysQuerySchema } from "@/lib/keys/list-keys";
import { actorFor, db } from "@/lib/test/helpers";
import { makeKey } from "@/lib/test/keys";

const DAY = 86_400_000;

describe("the key list by product", () => {
  beforeAll(async () => {
    await seedDemoData(db());
  });

  it("filters by product on the server, with the other filters", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const payments = await listKeys(db(), naledi, { product: "payments" });
    expect(payments.keys.map((k) => k.alias).sort()).toEqual(["Supplier payments", "Treasury sweeps"]);
    const info = await listKeys(db(), naledi, { product: "account_information" });
    expect(info.keys.map((k) => k.alias).sort()).toEqual(["ERP nightly sync", "Sandbox smoke tests", "Supplier payments", "Treasury sweeps"]);
    expect((await listKeys(db(), naledi, { product: "cards" })).total).toBe(0);
    expect((await listKeys(db(), naledi, { product: "payments", status: "expiring" })).keys.map((k) => k.alias)).toEqual(["Supplier payments"]);
    const thabo = await actorFor("thabo@nkosi.example");
    expect((await listKeys(db(), thabo, { product: "cards" })).keys.map((k) => k.alias)).toEqual(["Card rules playground"]);
    // A new key shows up under its own product only.
    await makeKey("thabo@nkosi.example", { alias: "Card and balances", permissions: ["card_code:view", "balances:view"] });
    expect((await listKeys(db(), thabo, { product: "cards" })).keys.map((k) => k.alias).sort()).toEqual(["Card and balances", "Card rules playground"]);
  });

  it("validates the product like the other filters: anything else is no filter", () => {
    for (const product of ["", "PAYMENTS", "payments\u0000", "x".repeat(10_000), "accounts", ["payments", "cards"], 7]) {
      expect(listKeysQuerySchema.parse({ product }).product).toBeUndefined();
    }
    expect(listKeysQuerySchema.parse({ product: "cards" }).product).toBe("cards");
  });

  it("hands the banner the ids of every expiring and frozen key, soonest first, whatever the filters", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const all = await listKeys(db(), naledi, {});
    const byId = new Map(all.keys.map((k) => [k.id, k.alias]));
    const filtered = await listKeys(db(), naledi, { product: "cards" });
    expect(filtered.dueIds).toEqual(all.dueIds);
    expect(all.dueIds.map((id) => byId.get(id))).toEqual(["Sandbox smoke tests", "Supplier payments"]);
  });

  it("says each key's grants in words, by product, and marks keys that move money", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const keys = (await listKeys(db(), naledi, {})).keys;
    const of = (alias: string) => keys.find((k) => k.alias === alias)!.permissions;
    expect(grantsByProduct(of("Supplier payments"))).toEqual([
      { product: "account_information", label: "Account information", lines: ["View accounts and balances"] },
      { product: "payments", label: "Payments", lines: ["View payments", "Create payments"] },
    ]);
    expect(grantsByProduct(of("Treasury sweeps"))).toEqual([
      { product: "account_information", label: "Account information", lines: ["View balances"] },
      { product: "payments", label: "Payments", lines: ["Move money between its accounts"] },
    ]);
    expect(grantsByProduct(of("ERP nightly sync"))[0]!.lines).toEqual(["View accounts, balances, transactions and statements"]);
    expect(
      keys
        .filter((k) => movesMoney(k.permissions))
        .map((k) => k.alias)
        .sort(),
    ).toEqual(["Supplier payments", "Treasury sweeps"]);
    expect(keyProducts(of("ERP nightly sync"))).toEqual(["account_information"]);
    expect(keyProducts(["card_code:edit", "payments:view"])).toEqual(["payments", "cards"]);
    expect(grantsByProduct(["card_code:view", "card_code:edit"])).toEqual([
      { product: "cards", label: "Cards", lines: ["View card code", "Change card codes"] },
    ]);
  });
});

describe("expiry in days", () => {
  const now = new Date("2026-11-29T08:00:00Z"); // 10:00 SAST

  it("counts days, never months, and says when a key froze", () => {
    expect(formatExpiry(new Date(now.getTime() + 89 * DAY), now)).toBe("in 89 days");
    expect(formatExpiry(new Date(now.getTime() + 60 * DAY), now)).toBe("in 60 days");
    expect(formatExpiry(new Date(now.getTime() + 9 * DAY + 20 * 3_600_000), now)).toBe("in 10 days");
    expect(formatExpiry(new Date(now.getTime() + 20 * 3_600_000), now)).toBe("in 1 day");
    expect(formatExpiry(new Date(now.getTime() + 5 * 3_600_000), now)).toBe("today");
    expect(formatExpiry(new Date(now.getTime() - 5 * 3_600_000), now)).toBe("frozen today");
    expect(formatExpiry(new Date(now.getTime() - 30 * 3_600_000), now)).toBe("frozen 1 day ago");
    expect(formatExpiry(new Date(now.getTime() - 3 * DAY - 60_000), now)).toBe("frozen 3 days ago");
    expect(formatExpiry(new Date(now.getTime() - 95 * DAY), now)).toBe("frozen 95 days ago");
  });
});
