import "server-only";
import { sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";

/**
 * Records when each key was last used without touching the request's path: calls only note the
 * time in memory, and a timer writes at most one update per key per minute, in one statement.
 * During a regeneration's overlap the replaced secret's use is recorded apart, so the key page can
 * say whether anything still calls with it.
 */
const FLUSH_MS = 5_000;
const MIN_INTERVAL_MS = 60_000;
/** Marks a pending entry as the replaced secret's. */
const PREVIOUS = "/previous";

interface Tracker {
  pending: Map<string, number>;
  written: Map<string, number>;
  timer: ReturnType<typeof setInterval> | null;
}

declare global {
  var __latchkeyLastUsed: Tracker | undefined;
}

function tracker(): Tracker {
  globalThis.__latchkeyLastUsed ??= { pending: new Map(), written: new Map(), timer: null };
  return globalThis.__latchkeyLastUsed;
}

export function noteKeyUse(keyId: string, at = Date.now(), db?: () => Executor, secret: "current" | "previous" = "current"): void {
  const t = tracker();
  const entry = secret === "previous" ? `${keyId}${PREVIOUS}` : keyId;
  if (at - (t.written.get(entry) ?? 0) < MIN_INTERVAL_MS) return;
  t.pending.set(entry, at);
  if (!t.timer && db) {
    t.timer = setInterval(() => void flushKeyUse(db()).catch(() => {}), FLUSH_MS);
    t.timer.unref?.();
  }
}

/** Writes the pending last-used times; returns how many keys it updated. */
export async function flushKeyUse(db: Executor): Promise<number> {
  const t = tracker();
  if (t.pending.size === 0) return 0;
  const batch = [...t.pending.entries()];
  t.pending.clear();
  for (const [entry, at] of batch) t.written.set(entry, at);
  const values = sql.join(
    batch.map(([entry, at]) => sql`(${entry.replace(PREVIOUS, "")}::uuid, ${new Date(at).toISOString()}::timestamptz, ${entry.endsWith(PREVIOUS)}::boolean)`),
    sql`, `,
  );
  // One row per key (a key may have used both secrets); greatest() skips nulls, so nothing goes back in time.
  await db.execute(sql`
    update api_keys k
    set last_used_at = greatest(k.last_used_at, v.current_at),
        previous_secret_last_used_at = greatest(k.previous_secret_last_used_at, v.previous_at)
    from (
      select id, max(at) filter (where not previous) as current_at, max(at) filter (where previous) as previous_at
      from (values ${values}) as u(id, at, previous)
      group by id
    ) as v
    where k.id = v.id`);
  return batch.length;
}
