import "server-only";
import { flushKeyUse } from "@/lib/api/last-used";
import type { DatabaseHandle } from "@/lib/db/client";
import { describeFailure } from "@/lib/errors";
import { stopJobTimer } from "@/lib/jobs/timer";
import { flushLog, log } from "@/lib/observability/log";

/**
 * The last step of a graceful shutdown, once the server has stopped accepting and its requests in
 * flight are answered: the job round under way finishes, the last-used times still in memory are
 * written, the database is closed (the embedded one writes its files out), and the log is flushed.
 */
export async function releaseResources(): Promise<{ lastUsedWritten: number }> {
  await stopJobTimer();
  const handle = (globalThis as { __latchkeyDatabase?: DatabaseHandle }).__latchkeyDatabase;
  let lastUsedWritten = 0;
  if (handle) {
    try {
      lastUsedWritten = await flushKeyUse(handle.db);
    } catch (error) {
      log().error({ error: describeFailure(error) }, "shutdown: last-used times not written");
    }
    try {
      await handle.close();
    } catch (error) {
      log().error({ error: describeFailure(error) }, "shutdown: the database did not close cleanly");
    }
  }
  log().info({ lastUsedWritten }, "shutdown complete");
  flushLog();
  return { lastUsedWritten };
}
