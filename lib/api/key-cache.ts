import "server-only";
import { isEmbedded } from "@/lib/db/client";

/**
 * The key-verification cache of the embedded database. PGlite runs inside the server's process and
 * answers one query at a time, so a second indexed lookup per request halves its throughput; and
 * since no other process can write to its data, this process sees every change to a key. Each change
 * that can refuse a key — delete, regenerate, renew, an organisation's suspension — runs inside
 * `changingKeyAccess`, which empties the cache when it starts and again after it commits, and while
 * it runs every lookup goes to the database. A lookup that began before a change ended is not stored.
 * So after a delete commits no call with that key succeeds (SECURITY 27). On PostgreSQL, where other
 * instances write too, there is no cache.
 *
 * Only found keys are stored; expiry is compared with the clock on every call, so a cached key still
 * freezes the second it expires. A stored row carries the key's accounts, which are set when the key
 * is made and never changed afterwards.
 */
const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  row: T;
  storedAt: number;
}

interface CacheState {
  entries: Map<string, Entry<unknown>>;
  /** Bumped when a change starts and when it ends; a lookup that saw another generation is not stored. */
  generation: number;
  /** Changes in flight: while any runs, the cache is neither read nor filled. */
  changing: number;
}

const STATE = Symbol.for("latchkey.api.keyCache");

function stateOf(db: object): CacheState | null {
  if (!isEmbedded(db)) return null;
  const holder = db as Record<symbol, CacheState | undefined>;
  return (holder[STATE] ??= { entries: new Map(), generation: 0, changing: 0 });
}

/** Runs a change that can refuse keys (pass the database, not a transaction: the commit happens inside). */
export async function changingKeyAccess<T>(db: object, change: () => Promise<T>): Promise<T> {
  const state = stateOf(db);
  if (!state) return change();
  state.changing += 1;
  state.generation += 1;
  state.entries.clear();
  try {
    return await change();
  } finally {
    state.generation += 1;
    state.entries.clear();
    state.changing -= 1;
  }
}

/**
 * Looks a key up by the hash of its secret, through the cache where there is one. A cached row is
 * answered at once (no promise); on PostgreSQL this is the lookup itself.
 */
export function cachedKeyLookup<T>(db: object, hash: string, load: () => Promise<T | undefined>, now = Date.now()): T | undefined | Promise<T | undefined> {
  const state = stateOf(db);
  if (!state) return load();
  if (state.changing === 0) {
    const hit = state.entries.get(hash);
    if (hit && now - hit.storedAt < TTL_MS) return hit.row as T;
  }
  return loadAndStore(state, hash, load, now);
}

async function loadAndStore<T>(state: CacheState, hash: string, load: () => Promise<T | undefined>, now: number): Promise<T | undefined> {
  const generation = state.generation;
  const row = await load();
  if (row !== undefined && state.changing === 0 && state.generation === generation) {
    if (state.entries.size >= MAX_ENTRIES) state.entries.delete(state.entries.keys().next().value!);
    state.entries.set(hash, { row, storedAt: now });
  }
  return row;
}
