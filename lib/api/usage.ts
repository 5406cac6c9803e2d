import "server-only";
import { sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { env } from "@/lib/env";

/**
 * Counts the bank API's calls per key, route template, outcome class and UTC day, and notes when
 * each key last used each of its permissions — without a write on the request's path. A call only
 * adds one to a count in memory; a timer (every LATCHKEY_USAGE_FLUSH_SECONDS, a minute by default)
 * writes everything pending in one statement, which adds to what other instances wrote. So a busy
 * key costs at most one write a minute, however many calls it makes. A flush that fails puts its
 * counts back to be written with the next one: nothing is lost and nothing is counted twice, since
 * the statement either writes all of it or nothing. The shutdown writes what is left
 * (lib/runtime/shutdown.ts).
 *
 * Which calls count is the dispatcher's to say (lib/api/routes.ts): those of a verified key,
 * whatever their answer; a permission's use is noted when the permission let the call through and
 * the answer was not a server error (the key did use it, even for a 404 or a 422 of its own making).
 */
export type UsageOutcome = "2xx" | "4xx" | "5xx";

interface Tracker {
  /** "keyId day route outcome" → calls not yet written. */
  calls: Map<string, number>;
  /** "keyId permission" → the latest use not yet written (ms since the epoch). */
  permissions: Map<string, number>;
  timer: ReturnType<typeof setInterval> | null;
  /** The flush under way: flushes run one after another, so a shutdown waits for the timer's. */
  flushing: Promise<unknown>;
}

declare global {
  var __latchkeyUsage: Tracker | undefined;
}

function tracker(): Tracker {
  globalThis.__latchkeyUsage ??= { calls: new Map(), permissions: new Map(), timer: null, flushing: Promise.resolve() };
  return globalThis.__latchkeyUsage;
}

// A tab cannot be in a uuid, a date, a route template or an outcome: it separates a count's fields.
const SEP = "\t";

/** The class a status is counted under; a 1xx or 3xx (never answered today) counts as a success. */
export function outcomeOf(status: number): UsageOutcome {
  if (status >= 500) return "5xx";
  if (status >= 400) return "4xx";
  return "2xx";
}

/** The UTC day of a time, as the `date` column holds it: "2026-11-30". */
export function utcDay(at: number | Date): string {
  return new Date(at).toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;
// The day of the calls being counted, worked out once a day rather than once a call.
let today = { from: 0, to: 0, day: "" };
function dayOf(at: number): string {
  if (at < today.from || at >= today.to) {
    const from = Math.floor(at / DAY_MS) * DAY_MS;
    today = { from, to: from + DAY_MS, day: utcDay(from) };
  }
  return today.day;
}

/**
 * Counts one answered call of a verified key. `permission` is the one that let the call through,
 * null when the key was refused before or at that check. `db` starts the flush timer on first use.
 */
export function noteApiCall(call: { keyId: string; route: string; status: number; permission: string | null }, at = Date.now(), db?: () => Executor): void {
  const t = tracker();
  const outcome = outcomeOf(call.status);
  const entry = `${call.keyId}${SEP}${dayOf(at)}${SEP}${call.route}${SEP}${outcome}`;
  t.calls.set(entry, (t.calls.get(entry) ?? 0) + 1);
  if (call.permission && outcome !== "5xx") {
    const use = `${call.keyId}${SEP}${call.permission}`;
    if ((t.permissions.get(use) ?? 0) < at) t.permissions.set(use, at);
  }
  if (!t.timer && db) {
    t.timer = setInterval(() => void flushUsage(db()).catch(() => {}), env.LATCHKEY_USAGE_FLUSH_SECONDS * 1000);
    t.timer.unref?.();
  }
}

/** Calls and permission uses counted but not yet written (for the tests and the shutdown's log line). */
export function pendingUsage(): { counts: number; permissionUses: number } {
  const t = tracker();
  return { counts: t.calls.size, permissionUses: t.permissions.size };
}

/**
 * Writes every pending count and permission use in one statement; returns how many counts (rows of
 * key, day, route and outcome) it added to. Counts of a key that no longer exists are dropped.
 */
export function flushUsage(db: Executor): Promise<number> {
  const t = tracker();
  const run = t.flushing.then(() => writePending(db, t));
  t.flushing = run.catch(() => {});
  return run;
}

async function writePending(db: Executor, t: Tracker): Promise<number> {
  if (t.calls.size === 0 && t.permissions.size === 0) return 0;
  const calls = t.calls;
  const permissions = t.permissions;
  t.calls = new Map();
  t.permissions = new Map();
  const usageRows = [...calls].map(([entry, count]) => {
    const [keyId, day, route, outcome] = entry.split(SEP);
    return { key_id: keyId, day, route, outcome, calls: count };
  });
  const useRows = [...permissions].map(([entry, at]) => {
    const [keyId, permission] = entry.split(SEP);
    return { key_id: keyId, permission, last_used_at: new Date(at).toISOString() };
  });
  // One parameter per kind, whatever the number of rows: the rows travel as one JSON array.
  const usage = sql`
    insert into api_key_usage (key_id, day, route, outcome, calls)
    select v.key_id, v.day, v.route, v.outcome, v.calls
    from json_to_recordset(${JSON.stringify(usageRows)}::json) as v(key_id uuid, day date, route text, outcome text, calls bigint)
    join api_keys k on k.id = v.key_id
    on conflict (key_id, day, route, outcome) do update set calls = api_key_usage.calls + excluded.calls
    returning 1`;
  const uses = sql`
    insert into api_key_permission_use (key_id, permission, last_used_at)
    select v.key_id, v.permission, v.last_used_at
    from json_to_recordset(${JSON.stringify(useRows)}::json) as v(key_id uuid, permission text, last_used_at timestamptz)
    join api_keys k on k.id = v.key_id
    on conflict (key_id, permission) do update set last_used_at = greatest(api_key_permission_use.last_used_at, excluded.last_used_at)
    returning 1`;
  try {
    // Both writes in one statement: they succeed or fail together, so a retry never adds twice.
    await db.execute(sql`with counted as (${usage}), used as (${uses}) select (select count(*) from counted) as counted, (select count(*) from used) as used`);
  } catch (error) {
    // Put everything back, added to what arrived meanwhile, for the next flush.
    for (const [entry, count] of calls) t.calls.set(entry, (t.calls.get(entry) ?? 0) + count);
    for (const [entry, at] of permissions) if ((t.permissions.get(entry) ?? 0) < at) t.permissions.set(entry, at);
    throw error;
  }
  return usageRows.length;
}
