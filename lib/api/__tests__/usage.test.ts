import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { defineEndpoint } from "@/lib/api/endpoints";
import { endpointHandler } from "@/lib/api/handler";
import { createDispatcher, dispatchApi, routeTable } from "@/lib/api/routes";
import { flushUsage, noteApiCall, pendingUsage } from "@/lib/api/usage";
import type { DatabaseHandle } from "@/lib/db/client";
import { apiKeyAccounts, apiKeyPermissionUse, apiKeyUsage } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { releaseResources } from "@/lib/runtime/shutdown";
import { db } from "@/lib/test/helpers";
import { makeKey } from "@/lib/test/keys";
import { z } from "zod";

beforeAll(async () => {
  await seedDemoData(db());
});

afterEach(() => {
  vi.useRealTimers();
});

let address = 0;
/** A bank API request as the production server hands it to the dispatcher, each from its own address. */
function api(pathname: string, key?: string, dispatch = dispatchApi) {
  const headers: Record<string, string> = { [CLIENT_ADDRESS_HEADER]: `198.51.100.${++address % 250}` };
  if (key) headers["x-api-key"] = key;
  return dispatch(new Request(`http://bank.test${pathname}`, { headers }));
}

/** Every usage row of these keys: "key route outcome" → calls, over all days. */
async function usageOf(...keyIds: string[]) {
  const rows = await db().select().from(apiKeyUsage);
  const counts: Record<string, number> = {};
  for (const r of rows.filter((r) => keyIds.includes(r.keyId)))
    counts[`${r.keyId} ${r.route} ${r.outcome}`] = (counts[`${r.keyId} ${r.route} ${r.outcome}`] ?? 0) + r.calls;
  return counts;
}

async function permissionUseOf(keyId: string) {
  const rows = await db().select().from(apiKeyPermissionUse).where(eq(apiKeyPermissionUse.keyId, keyId));
  return Object.fromEntries(rows.map((r) => [r.permission, r.lastUsedAt]));
}

const ACCOUNTS = "/api/v1/accounts";
const BALANCE = "/api/v1/accounts/{id}/balance";
const TRANSACTIONS = "/api/v1/accounts/{id}/transactions";

/** Two keys of Acme's: A reads accounts and balances, B accounts and transactions; and an account both reach. */
async function twoKeys() {
  const a = await makeKey("naledi@acme.example", { permissions: ["accounts:view", "balances:view"] });
  const b = await makeKey("naledi@acme.example", { permissions: ["accounts:view", "transactions:view"] });
  const [account] = await db().select({ id: apiKeyAccounts.accountId }).from(apiKeyAccounts).where(eq(apiKeyAccounts.keyId, a.id)).limit(1);
  return { a, b, accountId: account!.id };
}

/** The flush timer becomes the test's to advance: nothing is written unless it or a flush says so. */
function holdFlushTimer() {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
  if (globalThis.__latchkeyUsage) globalThis.__latchkeyUsage.timer = null;
}

describe("the API counts each key's calls in memory and writes them in one statement per flush", () => {
  it("1,000 calls over two keys and three endpoints: nothing written before the flush, every count exact after it", async () => {
    const { a, b, accountId } = await twoKeys();
    holdFlushTimer();
    const rowsBefore = await db().$count(apiKeyUsage);
    const expected: Record<string, number> = {};
    const paths = [ACCOUNTS, `/api/v1/accounts/${accountId}/balance`, `/api/v1/accounts/${accountId}/transactions`];
    const routes = [ACCOUNTS, BALANCE, TRANSACTIONS];
    for (let i = 0; i < 1000; i++) {
      const key = i % 2 === 0 ? a : b;
      const endpoint = Math.floor(i / 2) % 3;
      // Every 25th balance call asks for an account that is not the key's: a 404 after the permission check.
      const missing = endpoint === 1 && i % 25 === 0;
      const path = missing ? `/api/v1/accounts/${randomUUID()}/balance` : paths[endpoint]!;
      const response = await api(path, key.key);
      // A has no transactions:view, B no balances:view: 403 insufficient_permission, counted against the key.
      const refused = (key === a && endpoint === 2) || (key === b && endpoint === 1);
      expect(response.status, `call ${i}`).toBe(refused ? 403 : missing ? 404 : 200);
      const outcome = refused || missing ? "4xx" : "2xx";
      const entry = `${key.id} ${routes[endpoint]} ${outcome}`;
      expected[entry] = (expected[entry] ?? 0) + 1;
    }
    // Refusals before the key is known belong to no key.
    expect((await api(ACCOUNTS)).status).toBe(401);
    expect((await api(ACCOUNTS, `${a.key.slice(0, -2)}xx`)).status).toBe(401);
    expect((await api("/api/v1/nowhere", a.key)).status).toBe(404);

    expect(await db().$count(apiKeyUsage)).toBe(rowsBefore);
    expect(pendingUsage().counts).toBe(Object.keys(expected).length);
    expect(Object.values(expected).reduce((s, n) => s + n, 0)).toBe(1000);

    expect(await flushUsage(db())).toBe(Object.keys(expected).length);
    expect(await usageOf(a.id, b.id)).toEqual(expected);
    expect(pendingUsage()).toEqual({ counts: 0, permissionUses: 0 });
    // Counted on today's UTC day.
    const days = await db().selectDistinct({ day: apiKeyUsage.day }).from(apiKeyUsage).where(eq(apiKeyUsage.keyId, a.id));
    expect(days.map((d) => d.day)).toEqual([new Date().toISOString().slice(0, 10)]);

    // Each key's permissions that let a call through; a refused one is not a use.
    expect(Object.keys(await permissionUseOf(a.id)).sort()).toEqual(["accounts:view", "balances:view"]);
    expect(Object.keys(await permissionUseOf(b.id)).sort()).toEqual(["accounts:view", "transactions:view"]);
    // A thousand real calls, each through the door and its rate limits: minutes on a busy machine.
  }, 300_000);

  it("the timer writes after the flush interval (a minute by default), not before", async () => {
    const { a } = await twoKeys();
    holdFlushTimer();
    for (let i = 0; i < 5; i++) expect((await api(ACCOUNTS, a.key)).status).toBe(200);
    vi.advanceTimersByTime(59_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(await usageOf(a.id)).toEqual({});
    vi.advanceTimersByTime(1_000);
    for (let i = 0; i < 50 && (await usageOf(a.id))[`${a.id} ${ACCOUNTS} 2xx`] !== 5; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await usageOf(a.id)).toEqual({ [`${a.id} ${ACCOUNTS} 2xx`]: 5 });
    expect(pendingUsage().counts).toBe(0);
  });

  it("two flushes add up, and a permission's last use only moves forward", async () => {
    const { a, accountId } = await twoKeys();
    await api(ACCOUNTS, a.key);
    await flushUsage(db());
    const firstUse = (await permissionUseOf(a.id))["accounts:view"]!;
    for (let i = 0; i < 2; i++) await api(ACCOUNTS, a.key);
    await flushUsage(db());
    for (let i = 0; i < 4; i++) await api(`/api/v1/accounts/${accountId}/balance`, a.key);
    await api(ACCOUNTS, a.key);
    await flushUsage(db());
    expect(await usageOf(a.id)).toEqual({ [`${a.id} ${ACCOUNTS} 2xx`]: 4, [`${a.id} ${BALANCE} 2xx`]: 4 });
    const uses = await permissionUseOf(a.id);
    expect(uses["accounts:view"]!.getTime()).toBeGreaterThanOrEqual(firstUse.getTime());
    // A use noted with an older time (another instance's late flush) does not take it back.
    noteApiCall({ keyId: a.id, route: ACCOUNTS, status: 200, permission: "accounts:view" }, firstUse.getTime() - 60_000);
    await flushUsage(db());
    expect((await permissionUseOf(a.id))["accounts:view"]).toEqual(uses["accounts:view"]);
  });

  it("a failed flush puts its counts back: the next one writes them once, with what came meanwhile", async () => {
    const { a } = await twoKeys();
    for (let i = 0; i < 7; i++) await api(ACCOUNTS, a.key);
    const down = { execute: async () => Promise.reject(Object.assign(new Error("Connection terminated unexpectedly"), { code: "57P01" })) };
    await expect(flushUsage(down as never)).rejects.toThrow("Connection terminated");
    expect(await usageOf(a.id)).toEqual({});
    expect(pendingUsage()).toEqual({ counts: 1, permissionUses: 1 });
    for (let i = 0; i < 2; i++) await api(ACCOUNTS, a.key);
    await expect(flushUsage(down as never)).rejects.toThrow();
    await flushUsage(db());
    expect(await usageOf(a.id)).toEqual({ [`${a.id} ${ACCOUNTS} 2xx`]: 9 });
    await flushUsage(db());
    expect(await usageOf(a.id)).toEqual({ [`${a.id} ${ACCOUNTS} 2xx`]: 9 });
  });

  it("a day is the call's UTC day", async () => {
    const { a } = await twoKeys();
    const call = { keyId: a.id, route: ACCOUNTS, status: 200, permission: "accounts:view" };
    noteApiCall(call, Date.parse("2026-03-01T23:59:59.999Z"));
    noteApiCall(call, Date.parse("2026-03-02T00:00:00.000+02:00"));
    noteApiCall(call, Date.parse("2026-03-02T00:00:00.000Z"));
    await flushUsage(db());
    const rows = await db()
      .select({ day: apiKeyUsage.day, calls: apiKeyUsage.calls })
      .from(apiKeyUsage)
      .where(sql`${apiKeyUsage.keyId} = ${a.id} and ${apiKeyUsage.day} < '2026-06-01'`)
      .orderBy(apiKeyUsage.day);
    expect(rows).toEqual([
      { day: "2026-03-01", calls: 2 },
      { day: "2026-03-02", calls: 1 },
    ]);
  });

  it("a server error counts as 5xx and is no use of the permission; counts of a key that does not exist are dropped", async () => {
    const { a } = await twoKeys();
    const boom = defineEndpoint({
      method: "GET",
      path: "/api/v1/boom",
      permission: "accounts:view",
      summary: "fails",
      response: z.object({}),
      status: 200,
      example: {},
    });
    const dispatch = createDispatcher(
      routeTable(
        { boom },
        {
          boom: endpointHandler(boom, async () => {
            throw new Error("the handler broke");
          }),
        },
      ),
    );
    const before = await permissionUseOf(a.id);
    expect((await api("/api/v1/boom", a.key, dispatch)).status).toBe(500);
    expect((await api("/api/v1/boom", a.key, dispatch)).status).toBe(500);
    noteApiCall({ keyId: randomUUID(), route: ACCOUNTS, status: 200, permission: "accounts:view" });
    await flushUsage(db());
    expect((await usageOf(a.id))[`${a.id} /api/v1/boom 5xx`]).toBe(2);
    expect(await permissionUseOf(a.id)).toEqual(before);
  });

  it("a graceful shutdown writes what is still counted", async () => {
    const { a } = await twoKeys();
    for (let i = 0; i < 3; i++) await api(ACCOUNTS, a.key);
    const handle = globalThis.__latchkeyDatabase as DatabaseHandle;
    // The shutdown closes the database; the test's stays open for the other tests.
    globalThis.__latchkeyDatabase = { ...handle, close: async () => {} } as never;
    try {
      const released = await releaseResources();
      expect(released.usageCountsWritten).toBe(1);
    } finally {
      globalThis.__latchkeyDatabase = handle as never;
    }
    expect(await usageOf(a.id)).toEqual({ [`${a.id} ${ACCOUNTS} 2xx`]: 3 });
    expect(pendingUsage().counts).toBe(0);
  });
});
