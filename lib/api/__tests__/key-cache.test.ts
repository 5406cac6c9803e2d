import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAccounts } from "@/lib/api/accounts";
import { cachedKeyLookup, changingKeyAccess } from "@/lib/api/key-cache";
import { openDatabase, isEmbedded } from "@/lib/db/client";
import { apiKeys } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { renewKey } from "@/lib/keys/renew-key";
import { call } from "@/lib/test/api";
import { actorFor, context, db } from "@/lib/test/helpers";
import { makeKey, pinOf } from "@/lib/test/keys";

/** A loader that counts its calls and can be held open, standing in for the hash lookup. */
function loader(row = { keyId: "k" }) {
  let release: () => void = () => {};
  const state = {
    calls: 0,
    hold: false,
    load: async () => {
      state.calls += 1;
      if (state.hold) await new Promise<void>((resolve) => (release = resolve));
      return row;
    },
    release: () => release(),
  };
  return state;
}

describe("the key-verification cache of the embedded database", () => {
  const embedded = openDatabase({ pglite: "memory://" });
  afterAll(() => embedded.close());

  it("answers a known key from memory after the first lookup", async () => {
    const l = loader();
    await cachedKeyLookup(embedded.db, "hash-a", l.load);
    await cachedKeyLookup(embedded.db, "hash-a", l.load);
    expect(l.calls).toBe(1);
  });

  it("forgets every key when a change starts and after it commits, and bypasses itself meanwhile", async () => {
    const l = loader();
    await cachedKeyLookup(embedded.db, "hash-b", l.load);
    let during = 0;
    await changingKeyAccess(embedded.db, async () => {
      await cachedKeyLookup(embedded.db, "hash-b", l.load);
      await cachedKeyLookup(embedded.db, "hash-b", l.load);
      during = l.calls;
    });
    expect(during).toBe(3);
    await cachedKeyLookup(embedded.db, "hash-b", l.load);
    expect(l.calls).toBe(4);
  });

  it("does not store a lookup that was in flight while a change committed", async () => {
    const l = loader();
    l.hold = true;
    const inFlight = cachedKeyLookup(embedded.db, "hash-c", l.load);
    await changingKeyAccess(embedded.db, async () => {});
    l.release();
    await inFlight;
    l.hold = false;
    await cachedKeyLookup(embedded.db, "hash-c", l.load);
    expect(l.calls).toBe(2);
  });

  it("does not store unknown keys", async () => {
    let calls = 0;
    const missing = async () => (calls++, undefined);
    await cachedKeyLookup(embedded.db, "hash-d", missing);
    await cachedKeyLookup(embedded.db, "hash-d", missing);
    expect(calls).toBe(2);
  });

  it("is not used on PostgreSQL, where other instances write too", async () => {
    const server = openDatabase({ url: "postgres://unused.invalid/none" });
    expect(isEmbedded(server.db)).toBe(false);
    const l = loader();
    await cachedKeyLookup(server.db, "hash-e", l.load);
    await cachedKeyLookup(server.db, "hash-e", l.load);
    expect(l.calls).toBe(2);
    await server.close();
  });
});

describe("changes to a key are felt on its very next call", () => {
  beforeAll(async () => {
    await seedDemoData(db());
  });

  it("a frozen key that was just refused works at once after renewal", async () => {
    const frozen = await makeKey("naledi@acme.example", { permissions: ["accounts:view"] });
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: frozen.key })).status).toBe(200);
    await changingKeyAccess(db(), () => db().update(apiKeys).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(apiKeys.id, frozen.id)));
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: frozen.key })).json.error.code).toBe("key_frozen");
    await renewKey(db(), await actorFor("naledi@acme.example"), { keyId: frozen.id, pin: pinOf("naledi@acme.example") }, context);
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: frozen.key })).status).toBe(200);
  });
});

/**
 * Source files that change what a key's verification reads: the key, its organisation, and which
 * accounts it was given (accounts themselves change only their balance, which it does not read).
 */
const KEY_WRITES = /\.(update|delete)\((apiKeys|organisations|apiKeyAccounts)\)|\b(update|delete from)\s+(api_keys|organisations|api_key_accounts)\b/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ["__tests__", "test", "node_modules"].includes(entry.name) ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe("every write that can refuse a key", () => {
  const writers = ["lib", "app", "scripts"].flatMap(sourceFiles).filter((file) => KEY_WRITES.test(readFileSync(file, "utf8")));

  it("finds the writers", () => {
    expect(writers).toEqual(expect.arrayContaining(["lib/keys/delete-key.ts", "lib/keys/regenerate-key.ts", "lib/keys/renew-key.ts"]));
  });

  /** Writers that need no wrapping of their own, and why. */
  const EXEMPT: Record<string, string> = {
    "lib/api/last-used.ts": "the last-used stamps change nothing verification reads",
    "lib/organisations/set-key-approval.ts": "the maker-checker setting changes no existing key; verification does not read it",
    "lib/organisations/set-passkey-requirement.ts": "the passkey setting is for the portal's step-up; no key and nothing verification reads",
    "lib/keys/approval.ts": "runs only in the transaction of create (a key never looked up yet) and of regenerate (which wraps it)",
  };

  it("runs inside changingKeyAccess, except where the write changes nothing a cached verification holds", () => {
    const unwrapped = writers.filter((file) => !(file in EXEMPT) && !readFileSync(file, "utf8").includes("changingKeyAccess("));
    expect(unwrapped).toEqual([]);
  });

  it("the key is held for approval only by create and regenerate, and regenerate wraps it", () => {
    const callers = ["lib", "app", "scripts"]
      .flatMap(sourceFiles)
      .filter((file) => file !== "lib/keys/approval.ts" && readFileSync(file, "utf8").includes("holdForApproval("));
    expect(callers.sort()).toEqual(["lib/keys/create-key.ts", "lib/keys/regenerate-key.ts"]);
    expect(readFileSync("lib/keys/regenerate-key.ts", "utf8")).toContain("changingKeyAccess(");
  });
});
