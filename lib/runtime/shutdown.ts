import "server-only";
import { flushKeyUse } from "@/lib/api/last-used";
import type { DatabaseHandle } from "@/lib/db/client";
import { describeFailure } from "@/lib/errors";
import { stopJobTimer } from "@/lib/jobs/timer";
import { flushLog, log } from "@/lib/observability/log";

/**
 * The last step of a graceful shutdown, once the server has stopped accepting and its requests in
 * flight are answered: the last-used times still in memory are written, the job round under way
 * finishes, the database is closed (the embedded one writes its files out), and the log is flushed.
 * The server bounds all of it (scripts/serve.mjs): nothing here can keep the process alive for ever.
 */
export async function releaseResources(): Promise<{ lastUsedWritten: number }> {
  const handle = (globalThis as { __latchkeyDatabase?: DatabaseHandle }).__latchkeyDatabase;
  let lastUsedWritten = 0;
  // The last-used times first: they must not wait on a job round (which may be sending e-mail).
  if (handle) {
    try {
      lastUsedWritten = await flushKeyUse(handle.db);
    } catch (error) {
      log().error({ error: describeFailure(error) }, "shutdown: last-used times not written");
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
  log().info({ lastUsedWritten }, "shutdown complete");
  flushLog();
  return { lastUsedWritten };
}
