import "server-only";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { describeFailure } from "@/lib/errors";
import { log } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { runJobs } from "./run-jobs";

/**
 * Runs the background jobs inside the server: a few seconds after start, then every
 * LATCHKEY_JOBS_INTERVAL_SECONDS (0 turns it off). Rounds never overlap within one process;
 * across processes the jobs are safe by construction. `stopJobTimer` ends it and waits for a round
 * under way, so a shutdown never cuts one in half.
 */
let timers: ReturnType<typeof setTimeout>[] = [];
let round: Promise<void> | null = null;
let stopped = false;

export function startJobTimer(): void {
  const seconds = env.LATCHKEY_JOBS_INTERVAL_SECONDS;
  if (seconds === 0) return;
  stopped = false;
  const tick = () => {
    if (round || stopped) return;
    round = (async () => {
      const startedAt = performance.now();
      try {
        const result = await runJobs(getDb());
        log().info({ ...result, durationMs: Math.round(performance.now() - startedAt) }, "jobs round");
        metrics().jobRounds.inc({ outcome: "ok" });
      } catch (error) {
        log().error({ error: describeFailure(error) }, "jobs round failed");
        metrics().jobRounds.inc({ outcome: "failed" });
      }
    })().finally(() => {
      round = null;
    });
  };
  timers = [setTimeout(tick, 3_000), setInterval(tick, seconds * 1000)];
  for (const timer of timers) timer.unref();
}

export async function stopJobTimer(): Promise<void> {
  stopped = true;
  for (const timer of timers) clearTimeout(timer);
  timers = [];
  await round;
}
