/**
 * Database tasks, run before the server starts (never beside it: one process per PGlite folder).
 *   migrate  apply drizzle/ migrations
 *   seed     migrate, then seed the demo data when it is missing
 *   prepare  migrate, seed, and print the demo sign-ins (used by `npm start`)
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { databaseHandle } from "@/lib/db";
import { DEMO_PASSWORD, DEMO_PEOPLE } from "@/lib/demo/people";
import { seedDemoData, type SeededApplication } from "@/lib/demo/seed";
import { env } from "@/lib/env";

const command = process.argv[2] ?? "prepare";
const handle = databaseHandle();
const where = env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${path.resolve(env.LATCHKEY_DATA_DIR)}`;

async function main() {
  const started = Date.now();
  await handle.migrate();
  console.log(`Database ready: ${where}, migrations applied in ${Date.now() - started} ms.`);
  if (command === "migrate") return;

  const result = await seedDemoData(handle.db);
  const demoFile = path.join(env.LATCHKEY_DATA_DIR, "demo-applications.json");
  if (result.seeded) {
    // Client secrets exist only as hashes in the database; the demo keeps its own copy to print.
    // On PostgreSQL nothing else may have made the data folder yet.
    mkdirSync(path.dirname(demoFile), { recursive: true });
    writeFileSync(demoFile, JSON.stringify(result.applications, null, 2));
    chmodSync(demoFile, 0o600);
    console.log("Demo data seeded.");
  } else {
    console.log("Demo data already present.");
  }
  if (command === "prepare" || command === "seed") printDemo(demoFile);
}

function printDemo(demoFile: string) {
  const lines = [
    "",
    `Demo sign-ins (password for all: ${DEMO_PASSWORD})`,
    ...DEMO_PEOPLE.map((p) => {
      const where = p.operator ? "Bank operator" : `${orgLabel(p.org)} — ${roleLabel(p.role)}`;
      return `  ${p.email.padEnd(24)} PIN ${p.pin}   ${where}${p.alsoIn ? " (also Admin at Pending Ventures)" : ""}`;
    }),
  ];
  if (existsSync(demoFile)) {
    const apps = JSON.parse(readFileSync(demoFile, "utf8")) as SeededApplication[];
    lines.push("", "Demo applications (client credentials)");
    for (const app of apps) lines.push(`  ${`${app.organisation} / ${app.name}`.padEnd(46)} ${app.clientId}  ${app.clientSecret}`);
  }
  console.log(lines.join("\n") + "\n");
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
