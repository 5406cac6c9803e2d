import { describe, expect, it } from "vitest";
import { describeKey, permissionsInWords, presetOf, presetPermissions } from "@/lib/key-permissions";

describe("the review sentence", () => {
  it("reads like DESIGN.md's example", () => {
    expect(
      describeKey({
        mode: "live",
        permissions: ["balances:view", "transactions:view", "payments:edit"],
        accounts: ["••1234", "••5678"],
        expiresOn: "20 Feb 2027",
      }),
    ).toBe("This LIVE key can view balances and transactions of ••1234 and ••5678 and create payments that wait for approval. It expires on 20 Feb 2027.");
  });

  it("names what a write-only key does with which accounts", () => {
    expect(describeKey({ mode: "test", permissions: ["transfers:edit"], accounts: ["••1111"], expiresOn: "1 Mar 2027" })).toBe(
      "This TEST key can move money between its accounts with ••1111. It expires on 1 Mar 2027.",
    );
  });
});

describe("presets", () => {
  it("labels exact presets and anything else as custom, within the enabled products", () => {
    const products = ["account_information", "payments"] as const;
    expect(presetOf(presetPermissions("read-only", products), products)).toBe("read-only");
    expect(presetOf(presetPermissions("write", products), products)).toBe("write");
    expect(presetOf(presetPermissions("full", products), products)).toBe("full");
    expect(presetOf([...presetPermissions("read-only", products), "payments:edit"], products)).toBe("custom");
    expect(presetPermissions("full", products)).not.toContain("card_code:view");
  });
});

describe("permissions in words", () => {
  it("groups grants by access in catalogue order", () => {
    expect(permissionsInWords(["payments:edit", "balances:view", "accounts:view"])).toBe("View: Accounts, Balances · Edit: Payments");
  });
});
