import "server-only";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { describeFailure } from "@/lib/errors";
import { runJobs } from "./run-jobs";

/**
 * Runs the background jobs inside the server: a few seconds after start, then every
 * LATCHKEY_JOBS_INTERVAL_SECONDS (0 turns it off). Rounds never overlap within one process;
 * across processes the jobs are safe by construction.
 */
export function startJobTimer(): void {
  const seconds = env.LATCHKEY_JOBS_INTERVAL_SECONDS;
  if (seconds === 0) return;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runJobs(getDb());
    } catch (error) {
      console.error(`[jobs] round failed: ${describeFailure(error)}`);
    } finally {
      running = false;
    }
  };
  setTimeout(() => void tick(), 3_000).unref();
  setInterval(() => void tick(), seconds * 1000).unref();
}
