/**
 * `npm run jobs`: one round of background work — expiry reminders, then e-mail delivery — for a
 * scheduler (cron, a Kubernetes CronJob) beside servers on PostgreSQL. Safe to run from several
 * machines at once: every message is written and sent exactly once.
 *
 * The embedded database belongs to the one server process that opened it, which runs these jobs
 * itself every minute; a second process must not open its folder. `--embedded` runs them against
 * the folder of a stopped server.
 *
 * It writes what it did as one JSON line, in the servers' log format ("jobs round": reminders,
 * e-mails sent and failed, rows deleted), so a scheduler's log collector reads both alike.
 */
import { databaseHandle } from "@/lib/db";
import { env } from "@/lib/env";
import { runJobs } from "@/lib/jobs/run-jobs";
import { flushLog, log } from "@/lib/observability/log";

async function main() {
  if (!env.DATABASE_URL && !process.argv.includes("--embedded")) {
    log().info("The embedded database's server runs the jobs itself every minute. To run them on a stopped server's data: npm run jobs -- --embedded");
    flushLog();
    return;
  }
  // No migrations here: the jobs run as the application, whose database role has DML only; the
  // start's preparation (or `npm run db:migrate`) migrates as the owner.
  const handle = databaseHandle();
  try {
    const startedAt = performance.now();
    const result = await runJobs(handle.db);
    // Without SMTP_URL, messages wait in the operators' outbox (/ops/outbox).
    log().info({ ...result, smtp: Boolean(env.SMTP_URL), durationMs: Math.round(performance.now() - startedAt) }, "jobs round");
  } finally {
    await handle.close();
    flushLog();
  }
}

main().catch((error) => {
  log().fatal({ error: error instanceof Error ? error.message : String(error) }, "jobs round failed");
  flushLog();
  process.exit(1);
});
