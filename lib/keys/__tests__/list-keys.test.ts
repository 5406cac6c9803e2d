import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeys } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { KEYS_PAGE_SIZE, listKeys, listKeysQuerySchema } from "@/lib/keys/list-keys";
import { actorFor, db } from "@/lib/test/helpers";
import { makeKey } from "@/lib/test/keys";

describe("the key list", () => {
  beforeAll(async () => {
    await seedDemoData(db());
    for (let i = 0; i < 23; i++) await makeKey("thabo@nkosi.example", { alias: `Batch key ${String(i).padStart(2, "0")}` });
  });

  it("pages on the server, newest first, with the total", async () => {
    const thabo = await actorFor("thabo@nkosi.example");
    const first = await listKeys(db(), thabo, {});
    expect(first.total).toBe(23 + 3);
    expect(first.keys).toHaveLength(KEYS_PAGE_SIZE);
    expect(first.pageCount).toBe(2);
    expect(first.keys[0]!.alias).toBe("Batch key 22");
    const second = await listKeys(db(), thabo, { page: 2 });
    expect(second.keys).toHaveLength(6);
    expect(new Set([...first.keys, ...second.keys].map((k) => k.id)).size).toBe(26);
    expect((await listKeys(db(), thabo, { page: 99 })).page).toBe(2);
  });

  it("filters by status, mode, application and search, and counts what needs attention", async () => {
    const thabo = await actorFor("thabo@nkosi.example");
    const frozen = await listKeys(db(), thabo, { status: "frozen" });
    expect(frozen.keys.map((k) => k.alias)).toEqual(["Tax return export"]);
    const expiring = await listKeys(db(), thabo, { status: "expiring" });
    expect(expiring.keys.map((k) => k.alias)).toEqual(["Budget app"]);
    expect([frozen.frozen, frozen.expiring]).toEqual([1, 1]);
    expect((await listKeys(db(), thabo, { mode: "test" })).keys.map((k) => k.alias)).toEqual(["Card rules playground"]);
    expect((await listKeys(db(), thabo, { q: "batch key 1" })).total).toBe(10);
    const prefix = frozen.keys[0]!.prefix;
    expect((await listKeys(db(), thabo, { q: prefix })).keys.map((k) => k.alias)).toEqual(["Tax return export"]);
    expect((await listKeys(db(), thabo, { q: "100%_\\" })).total).toBe(0);
    const naledi = await actorFor("naledi@acme.example");
    const all = await listKeys(db(), naledi, {});
    const treasury = all.keys.find((k) => k.applicationName === "Treasury bot")!.applicationId;
    expect((await listKeys(db(), naledi, { app: treasury })).keys.every((k) => k.applicationName === "Treasury bot")).toBe(true);
  });

  it("leaves deleted keys out", async () => {
    const thabo = await actorFor("thabo@nkosi.example");
    const before = (await listKeys(db(), thabo, {})).total;
    await db().update(apiKeys).set({ revokedAt: sql`now()` }).where(eq(apiKeys.alias, "Batch key 00"));
    expect((await listKeys(db(), thabo, {})).total).toBe(before - 1);
  });

  it("turns junk in the address bar into no filter rather than an error", () => {
    expect(listKeysQuerySchema.parse({ status: "deleted", mode: "prod", app: "x", page: "-3", q: "ok" })).toEqual({ q: "ok" });
  });
});
