import "server-only";
import { sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";

/**
 * Records when each key was last used without touching the request's path: calls only note the
 * time in memory, and a timer writes at most one update per key per minute, in one statement.
 */
const FLUSH_MS = 5_000;
const MIN_INTERVAL_MS = 60_000;

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

export function noteKeyUse(keyId: string, at = Date.now(), db?: () => Executor): void {
  const t = tracker();
  if (at - (t.written.get(keyId) ?? 0) < MIN_INTERVAL_MS) return;
  t.pending.set(keyId, at);
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
  for (const [keyId, at] of batch) t.written.set(keyId, at);
  const values = sql.join(
    batch.map(([keyId, at]) => sql`(${keyId}::uuid, ${new Date(at).toISOString()}::timestamptz)`),
    sql`, `,
  );
  await db.execute(sql`
    update api_keys k set last_used_at = v.at
    from (values ${values}) as v(id, at)
    where k.id = v.id and (k.last_used_at is null or k.last_used_at < v.at)`);
  return batch.length;
}
