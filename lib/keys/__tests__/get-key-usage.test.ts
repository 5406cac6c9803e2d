import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { AccessError } from "@/lib/auth/errors";
import { apiKeyPermissionUse, apiKeys, apiKeyUsage, auditEvents, organisations } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { NotFoundError } from "@/lib/errors";
import { deleteKey } from "@/lib/keys/delete-key";
import { getKey } from "@/lib/keys/get-key";
import { getKeyUsage } from "@/lib/keys/get-key-usage";
import { actorFor, context, db } from "@/lib/test/helpers";
import { makeKey, memberWithPermissions, pinOf } from "@/lib/test/keys";

let acmeId: string;
const NOW = new Date("2026-11-30T10:00:00Z");

beforeAll(async () => {
  await seedDemoData(db());
  [{ id: acmeId }] = (await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, ORG_NAMES.acme))) as [{ id: string }];
});

const usageRow = (keyId: string, day: string, route: string, outcome: "2xx" | "4xx" | "5xx", calls: number) => ({ keyId, day, route, outcome, calls });

describe("a key's usage over the last 30 UTC days", () => {
  it("every day from 29 days ago to today, zero-filled, summed over routes; older and later days left out", async () => {
    const key = await makeKey("naledi@acme.example", { permissions: ["accounts:view", "balances:view", "transactions:view"] });
    await db()
      .insert(apiKeyUsage)
      .values([
        usageRow(key.id, "2026-11-30", "/api/v1/accounts", "2xx", 1200),
        usageRow(key.id, "2026-11-30", "/api/v1/accounts/{id}/balance", "2xx", 34),
        usageRow(key.id, "2026-11-30", "/api/v1/accounts/{id}/balance", "4xx", 5),
        usageRow(key.id, "2026-11-01", "/api/v1/accounts", "5xx", 2),
        usageRow(key.id, "2026-10-31", "/api/v1/accounts", "2xx", 999),
        usageRow(key.id, "2026-12-01", "/api/v1/accounts", "2xx", 777),
      ]);
    const naledi = await actorFor("naledi@acme.example");
    const usage = await getKeyUsage(db(), naledi, key.id, NOW);
    expect(usage.days).toHaveLength(30);
    expect(usage.days[0]).toEqual({ day: "2026-11-01", calls: { "2xx": 0, "4xx": 0, "5xx": 2 } });
    expect(usage.days.at(-1)).toEqual({ day: "2026-11-30", calls: { "2xx": 1234, "4xx": 5, "5xx": 0 } });
    expect(usage.days.slice(1, -1).every((d) => d.calls["2xx"] + d.calls["4xx"] + d.calls["5xx"] === 0)).toBe(true);
    expect(usage.totals).toEqual({ "2xx": 1234, "4xx": 5, "5xx": 2 });
    // Another key's counts are its own.
    const other = await makeKey("naledi@acme.example");
    expect((await getKeyUsage(db(), naledi, other.id, NOW)).totals).toEqual({ "2xx": 0, "4xx": 0, "5xx": 0 });
  });

  it("a day is a UTC day: just after midnight UTC it is the new day, whatever Johannesburg says", async () => {
    const key = await makeKey();
    await db()
      .insert(apiKeyUsage)
      .values(usageRow(key.id, "2026-12-01", "/api/v1/accounts", "2xx", 3));
    const naledi = await actorFor("naledi@acme.example");
    const usage = await getKeyUsage(db(), naledi, key.id, new Date("2026-12-01T00:00:01Z"));
    expect(usage.days.at(-1)).toEqual({ day: "2026-12-01", calls: { "2xx": 3, "4xx": 0, "5xx": 0 } });
    expect(usage.days[0]!.day).toBe("2026-11-02");
  });

  it("each of the key's permissions with its last use, null for one never used, in the catalogue's order", async () => {
    const key = await makeKey("naledi@acme.example", { permissions: ["transactions:view", "accounts:view", "balances:view"] });
    const used = new Date("2026-11-29T08:15:00Z");
    await db().insert(apiKeyPermissionUse).values({ keyId: key.id, permission: "balances:view", lastUsedAt: used });
    const usage = await getKeyUsage(db(), await actorFor("naledi@acme.example"), key.id, NOW);
    expect(usage.permissions).toEqual([
      { permission: "accounts:view", lastUsedAt: null },
      { permission: "balances:view", lastUsedAt: used },
      { permission: "transactions:view", lastUsedAt: null },
    ]);
    const [row] = await db().select({ createdAt: apiKeys.createdAt, since: apiKeys.usageTrackedSince }).from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(usage.usageTrackedSince).toEqual(row!.since);
    expect(usage.createdAt).toEqual(row!.createdAt);
  });
});

describe("who may see a key's usage", () => {
  /** Allowed or refused, and the audit rows it wrote: the same as the key page's own read (getKey). */
  async function outcome(actor: Actor, keyId: string) {
    const denied = () => db().$count(auditEvents, and(eq(auditEvents.actorUserId, actor.user.id), eq(auditEvents.outcome, "denied")));
    const run = async (read: () => Promise<unknown>) => {
      const before = await denied();
      try {
        await read();
        return { result: "allowed", audited: (await denied()) - before };
      } catch (error) {
        if (!(error instanceof AccessError)) throw error;
        return { result: "refused", audited: (await denied()) - before };
      }
    };
    const usage = await run(() => getKeyUsage(db(), actor, keyId, NOW));
    expect(usage).toEqual(await run(() => getKey(db(), actor, keyId, NOW)));
    return usage.result;
  }

  const GRANTS = ["keys:view", "keys:create", "keys:renew", "keys:delete"] as const;
  const subsets = Array.from({ length: 16 }, (_, mask) => GRANTS.filter((_, bit) => mask & (1 << bit)));

  it.each(subsets.map((subset) => [subset.join("+") || "(none)", subset] as const))("role matrix: custom role %s", async (label, subset) => {
    const key = await makeKey();
    const actor = await memberWithPermissions(acmeId, [...subset], `usage-${label}`);
    expect(await outcome(actor, key.id)).toBe(subset.includes("keys:view") ? "allowed" : "refused");
  });

  it.each([
    ["naledi@acme.example", "allowed"],
    ["pieter@acme.example", "allowed"],
    ["sipho@acme.example", "allowed"],
    ["aisha@acme.example", "allowed"],
    ["johan@acme.example", "allowed"],
    ["ops@bank.example", "refused"],
  ] as const)("built-in and demo role: %s is %s", async (email, expected) => {
    const key = await makeKey();
    expect(await outcome(await actorFor(email), key.id)).toBe(expected);
  });

  it("another organisation's key, a made-up id and a deleted key are not found", async () => {
    const acmeKey = await makeKey();
    await db()
      .insert(apiKeyUsage)
      .values(usageRow(acmeKey.id, "2026-11-30", "/api/v1/accounts", "2xx", 9));
    const thabo = await actorFor("thabo@nkosi.example");
    await expect(getKeyUsage(db(), thabo, acmeKey.id, NOW)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getKeyUsage(db(), thabo, randomUUID(), NOW)).rejects.toBeInstanceOf(NotFoundError);
    const naledi = await actorFor("naledi@acme.example");
    await deleteKey(db(), naledi, { keyId: acmeKey.id, confirmAlias: acmeKey.alias, pin: pinOf("naledi@acme.example") }, context);
    await expect(getKeyUsage(db(), naledi, acmeKey.id, NOW)).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each([
    ["NUL", "\u0000"],
    ["a uuid with NUL", `${randomUUID()}\u0000`],
    ["a control character", "\u001b[2J"],
    ["100,000 characters", "a".repeat(100_000)],
    ["not a uuid", "../../etc/passwd"],
    ["a SQL fragment", "' or 1=1 --"],
    ["a number", 42],
    ["an object", { $ne: null }],
    ["null", null],
  ])("a hostile key id (%s) is not found, never a crash", async (_, keyId) => {
    await expect(getKeyUsage(db(), await actorFor("naledi@acme.example"), keyId, NOW)).rejects.toBeInstanceOf(NotFoundError);
  });
});
