/**
 * `npm run audit:verify`: walks every audit chain — each organisation's, and that of the events of no
 * organisation — recomputing each event's hash from its content and the hash before it. Prints
 * `audit chain: N events verified, 0 broken` and exits 0 when all hold; otherwise the same line with
 * the count of breaks, then the first broken event of each broken chain, and exits 1.
 *
 * It only reads, so it may run beside servers on PostgreSQL (DATABASE_URL; the application's DML-only
 * role is enough). The embedded database belongs to the one server process that opened it: stop the
 * server and pass `--embedded` to run this on its folder.
 */
import { parseArgs } from "node:util";
import { inArray } from "drizzle-orm";
import { verifyAuditChains } from "@/lib/audit/verify-chain";
import { databaseHandle } from "@/lib/db";
import { organisations } from "@/lib/db/schema";
import { env } from "@/lib/env";

const USAGE = "Usage: npm run audit:verify [-- --embedded]";

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

/** The SQL state of a missing table, column or function: a database not migrated to the chain yet. */
function notMigrated(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === "42P01" || code === "42703" || code === "42883") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

async function main() {
  let embedded = false;
  try {
    embedded = Boolean(parseArgs({ options: { embedded: { type: "boolean" } }, strict: true }).values.embedded);
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  if (!env.DATABASE_URL && !embedded) {
    fail("This would open the embedded database, which the running server owns: stop the server first, then run it again with --embedded.", 2);
  }

  const handle = databaseHandle();
  try {
    const report = await verifyAuditChains(handle.db);
    console.log(`audit chain: ${report.verified} events verified, ${report.broken} broken`);
    if (report.breaks.length) {
      const ids = report.breaks.flatMap((b) => (b.orgId ? [b.orgId] : []));
      const names = new Map(
        ids.length
          ? (await handle.db.select({ id: organisations.id, name: organisations.name }).from(organisations).where(inArray(organisations.id, ids))).map((o) => [
              o.id,
              o.name,
            ])
          : [],
      );
      for (const b of report.breaks) {
        const chain = b.orgId ? `the chain of ${names.get(b.orgId) ?? "an unknown organisation"} (${b.orgId})` : "the chain of events of no organisation";
        console.log(b.eventId === null ? `broken: ${chain} — ${b.problem}` : `first broken event of ${chain}: #${b.eventId} — ${b.problem}`);
      }
      process.exitCode = 1;
    }
  } catch (error) {
    if (!notMigrated(error)) throw error;
    console.error("This database has no audit chain yet: apply the migrations first (npm run db:migrate).");
    process.exitCode = 2;
  } finally {
    await handle.close();
  }
}

main().catch((error) => {
  console.error(`audit chain: not verified — ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
