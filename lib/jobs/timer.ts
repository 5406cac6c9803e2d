import "server-only";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { describeFailure } from "@/lib/errors";
import { log } from "@/lib/observability/log";
import { metrics } from "@/lib/observability/metrics";
import { deliverWebhooks } from "@/lib/webhooks/deliver";
import { countWebhookDeliveries, runJobs } from "./run-jobs";

/**
 * Runs the background jobs inside the server: a few seconds after start, then every
 * LATCHKEY_JOBS_INTERVAL_SECONDS (0 turns it off). Rounds never overlap within one process;
 * across processes the jobs are safe by construction. `stopJobTimer` ends it and waits for a round
 * under way, so a shutdown never cuts one in half.
 *
 * Webhooks are delivered in every round and, between rounds, every LATCHKEY_WEBHOOKS_INTERVAL_SECONDS
 * (2 by default: a customer's system hears of a change within seconds, not a minute). That check is
 * one probe of the due deliveries' partial index when nothing is due. It never runs beside a round
 * of this process, so one process is one runner: one attempt in flight per endpoint.
 */
let timers: ReturnType<typeof setTimeout>[] = [];
let round: Promise<void> | null = null;
let stopped = false;

/** Runs one piece of background work unless another is under way; `round` holds it until it ends. */
function runExclusive(work: () => Promise<void>): void {
  if (round || stopped) return;
  round = work().finally(() => {
    round = null;
  });
}

export function startJobTimer(): void {
  const seconds = env.LATCHKEY_JOBS_INTERVAL_SECONDS;
  if (seconds === 0) return;
  stopped = false;
  const tick = () =>
    runExclusive(async () => {
      const startedAt = performance.now();
      try {
        const result = await runJobs(getDb());
        log().info({ ...result, durationMs: Math.round(performance.now() - startedAt) }, "jobs round");
        metrics().jobRounds.inc({ outcome: "ok" });
      } catch (error) {
        log().error({ error: describeFailure(error) }, "jobs round failed");
        metrics().jobRounds.inc({ outcome: "failed" });
      }
    });
  const webhookTick = () =>
    runExclusive(async () => {
      try {
        const result = await deliverWebhooks(getDb());
        countWebhookDeliveries(result);
        if (result.attempted > 0) log().info({ ...result }, "webhook deliveries");
      } catch (error) {
        log().error({ error: describeFailure(error) }, "webhook deliveries failed");
      }
    });
  timers = [setTimeout(tick, 3_000), setInterval(tick, seconds * 1000)];
  const webhookSeconds = env.LATCHKEY_WEBHOOKS_INTERVAL_SECONDS;
  if (webhookSeconds > 0 && webhookSeconds < seconds) timers.push(setInterval(webhookTick, webhookSeconds * 1000));
  for (const timer of timers) timer.unref();
}

export async function stopJobTimer(): Promise<void> {
  stopped = true;
  for (const timer of timers) clearTimeout(timer);
  timers = [];
  await round;
}
