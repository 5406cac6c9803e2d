/**
 * `npm run jobs`: one round of background work — expiry reminders, then e-mail delivery — for a
 * scheduler (cron, a Kubernetes CronJob) beside servers on PostgreSQL. Safe to run from several
 * machines at once: every message is written and sent exactly once.
 *
 * The embedded database belongs to the one server process that opened it, which runs these jobs
 * itself every minute; a second process must not open its folder. `--embedded` runs them against
 * the folder of a stopped server.
 */
import { databaseHandle } from "@/lib/db";
import { env } from "@/lib/env";
import { runJobs } from "@/lib/jobs/run-jobs";

async function main() {
  if (!env.DATABASE_URL && !process.argv.includes("--embedded")) {
    console.log("The embedded database's server runs the jobs itself every minute. To run them on a stopped server's data: npm run jobs -- --embedded");
    return;
  }
  // No migrations here: the jobs run as the application, whose database role has DML only; the
  // start's preparation (or `npm run db:migrate`) migrates as the owner.
  const handle = databaseHandle();
  try {
    const result = await runJobs(handle.db);
    console.log(
      `Reminders created: ${result.reminders}; unapproved keys deleted after 7 days: ${result.unapprovedKeysDeleted}; e-mails sent: ${result.sent}${result.failed ? `, failed: ${result.failed}` : ""}${env.SMTP_URL ? "" : " (no SMTP_URL: messages wait in the outbox)"}.`,
    );
    const d = result.deleted;
    console.log(
      `Deleted: ${d.sessions} ended sessions, ${d.accessTokens} expired access tokens, ${d.rateLimits} finished rate-limit windows, ${d.idempotencyRecords} idempotency records older than a day.`,
    );
  } finally {
    await handle.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
