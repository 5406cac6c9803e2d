/**
 * Database tasks, run before the server starts (never beside it: one process per PGlite folder).
 *   migrate  apply drizzle/ migrations, as the tables' owner (MIGRATION_DATABASE_URL, else DATABASE_URL)
 *   seed     migrate, then seed the demo data when it is missing (`npm run db:seed`: asked for by name,
 *            so on PostgreSQL too; never LATCHKEY_DEMO=0, and in production only with LATCHKEY_DEMO=1)
 *   prepare  migrate, then seed the demo where it belongs (lib/demo/policy.ts: by default on the
 *            embedded database only) and print its sign-ins (used by `npm start`)
 *
 * Migrations connect as the owner; the demo is written through DATABASE_URL, the application's own
 * connection, which needs no more than SELECT, INSERT, UPDATE and DELETE.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { databaseHandle, migrateDatabase } from "@/lib/db";
import { connectsAsOwner } from "@/lib/db/roles";
import { demoCredentialsFile } from "@/lib/demo/credentials-file";
import { DEMO_PASSWORD, DEMO_PEOPLE } from "@/lib/demo/people";
import { demoDecision } from "@/lib/demo/policy";
import { demoPresent, seedDemoData, type SeededApplication } from "@/lib/demo/seed";
import { env } from "@/lib/env";

const command = process.argv[2] ?? "prepare";
if (!["migrate", "seed", "prepare"].includes(command)) {
  console.error(`Unknown database task "${command}": use migrate, seed or prepare.`);
  process.exit(2);
}
const embedded = !env.DATABASE_URL;
const handle = databaseHandle();

function describeDatabase(): string {
  if (!env.DATABASE_URL) return `embedded PGlite in ${path.resolve(env.LATCHKEY_DATA_DIR)}`;
  const url = new URL(env.DATABASE_URL);
  return `PostgreSQL ${url.hostname}:${url.port || "5432"}/${decodeURIComponent(url.pathname.slice(1))}`;
}

async function main() {
  const started = Date.now();
  await migrateDatabase();
  const asOwner = env.MIGRATION_DATABASE_URL && env.MIGRATION_DATABASE_URL !== env.DATABASE_URL ? " as the owner (MIGRATION_DATABASE_URL)" : "";
  console.log(`Database ready: ${describeDatabase()}, migrations applied${asOwner} in ${Date.now() - started} ms.`);
  if (command === "migrate") return;

  if (!embedded && (await connectsAsOwner(handle.db))) {
    console.log(
      "Note: the app connects as the owner of its tables, which could switch the audit log's append-only trigger off. " +
        "In production give DATABASE_URL a role with DML only and MIGRATION_DATABASE_URL the owner (README: Database roles).",
    );
  }

  const decision = demoDecision({ embedded, nodeEnv: env.NODE_ENV, demo: env.LATCHKEY_DEMO, requested: command === "seed" });
  if (!decision.seed) {
    console.log(`Demo data: not seeded (${decision.reason}).`);
    if (await demoPresent(handle.db)) {
      console.warn(
        "WARNING: this database holds the demo people, whose password and PINs the README publishes — ops@bank.example among them, a bank operator. " +
          "Remove them, or keep real customers in a database of their own.",
      );
    }
    if (command === "seed") process.exitCode = 1;
    return;
  }
  if (decision.warning) console.warn(`\n${"!".repeat(100)}\n${decision.warning}\n${"!".repeat(100)}\n`);

  const result = await seedDemoData(handle.db);
  const demoFile = demoCredentialsFile(env.LATCHKEY_DATA_DIR, env.DATABASE_URL);
  if (result.seeded) {
    // Client secrets exist only as hashes in the database; the demo keeps its own copy, readable by
    // this account only. On PostgreSQL nothing else may have made the data folder yet.
    mkdirSync(path.dirname(demoFile), { recursive: true, mode: 0o700 });
    writeFileSync(demoFile, JSON.stringify(result.applications, null, 2), { mode: 0o600 });
    chmodSync(demoFile, 0o600);
    console.log("Demo data seeded.");
  } else {
    console.log("Demo data already present.");
  }
  printDemo(demoFile);
}

/** The demo sign-ins (published in the README) and where the client secrets are kept — never the secrets. */
function printDemo(demoFile: string) {
  const lines = [
    "",
    `Demo sign-ins (password for all: ${DEMO_PASSWORD})`,
    ...DEMO_PEOPLE.map((p) => {
      const where = p.operator ? "Bank operator" : `${orgLabel(p.org)} — ${roleLabel(p.role)}`;
      return `  ${p.email.padEnd(24)} PIN ${p.pin}   ${where}${p.alsoIn ? " (also Admin at Pending Ventures)" : ""}`;
    }),
    "",
  ];
  const apps = readApplications(demoFile);
  if (apps) {
    lines.push(`Demo applications' client IDs and secrets (${apps.map((a) => a.name).join(", ")}): in ${demoFile}, readable by this account only.`);
  } else {
    lines.push(
      `The demo applications' client secrets are not in ${demoFile}: they were kept where this database was first seeded. ` +
        "A member with credentials access rotates one on the application's page to get a new secret.",
    );
  }
  console.log(lines.join("\n") + "\n");
}

function readApplications(file: string): SeededApplication[] | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as SeededApplication[];
  } catch {
    return null;
  }
}

function orgLabel(org: (typeof DEMO_PEOPLE)[number]["org"]) {
  return org === "nkosi" ? "Nkosi Private Banking" : org === "acme" ? "Acme Holdings" : "Pending Ventures";
}

function roleLabel(role: (typeof DEMO_PEOPLE)[number]["role"]) {
  return role === "key-renewer" ? "Key renewer" : role ? role[0]!.toUpperCase() + role.slice(1) : "";
}

main()
  .then(() => handle.close())
  .catch(async (error) => {
    console.error(error instanceof Error ? error.message : error);
    await handle.close().catch(() => {});
    process.exit(1);
  });
