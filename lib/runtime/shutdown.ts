import "server-only";
import { flushKeyUse } from "@/lib/api/last-used";
import { flushUsage } from "@/lib/api/usage";
import type { DatabaseHandle } from "@/lib/db/client";
import { describeFailure } from "@/lib/errors";
import { stopJobTimer } from "@/lib/jobs/timer";
import { drainLog, flushLog, log } from "@/lib/observability/log";

/**
 * The last step of a graceful shutdown, once the server has stopped accepting and its requests in
 * flight are answered: the last-used times and usage counts still in memory are written, the job round under way
 * finishes, the database is closed (the embedded one writes its files out), and the log is flushed.
 * The server bounds all of it (scripts/serve.mjs): nothing here can keep the process alive for ever.
 */
export async function releaseResources(): Promise<{ lastUsedWritten: number; usageCountsWritten: number }> {
  const handle = (globalThis as { __latchkeyDatabase?: DatabaseHandle }).__latchkeyDatabase;
  let lastUsedWritten = 0;
  let usageCountsWritten = 0;
  // The last-used times and usage counts first: they must not wait on a job round (which may be sending e-mail).
  if (handle) {
    try {
      lastUsedWritten = await flushKeyUse(handle.db);
    } catch (error) {
      log().error({ error: describeFailure(error) }, "shutdown: last-used times not written");
    }
    try {
      usageCountsWritten = await flushUsage(handle.db);
    } catch (error) {
      log().error({ error: describeFailure(error) }, "shutdown: usage counts not written");
    }
  }
  await stopJobTimer();
  if (handle) {
    try {
      await handle.close();
    } catch (error) {
      log().error({ error: describeFailure(error) }, "shutdown: the database did not close cleanly");
    }
  }
  await drainLog();
  log().info({ lastUsedWritten, usageCountsWritten }, "shutdown complete");
  flushLog();
  return { lastUsedWritten, usageCountsWritten };
}
