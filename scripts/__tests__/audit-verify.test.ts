import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { auditEvents, organisations } from "@/lib/db/schema";
import { freshDatabase, runScript, type FreshDatabase } from "./support/fresh-database";

/**
 * `npm run audit:verify`, run as a person runs it — a child process — on a database of this test
 * run's kind: PostgreSQL through DATABASE_URL, or the folder of a stopped embedded server with
 * `--embedded`. The owner tampers with the log between runs, the append-only trigger switched off.
 */
let database: FreshDatabase;
let orgs: { id: string; name: string }[] = [];
let ids = new Map<string, number>();

beforeAll(async () => {
  database = await freshDatabase();
  const migrated = runScript("scripts/db.ts", ["migrate"], database.env());
  expect(migrated.status).toBe(0);
  await database.use(async (db) => {
    orgs = await db
      .insert(organisations)
      .values([
        { name: "Verify Traders", kind: "business", status: "approved" },
        { name: "Verify Household", kind: "private", status: "approved" },
      ])
      .returning({ id: organisations.id, name: organisations.name });
    for (let i = 0; i < 13; i++) {
      const orgId = i < 10 ? orgs[i % 2]!.id : null;
      await db.transaction((tx) =>
        recordAuditEvent(tx, { orgId, actorLabel: `person-${i}@verify.example`, action: "key.create", outcome: "success", requestId: `verify-${i}` }),
      );
    }
    ids = new Map((await db.select({ id: auditEvents.id, requestId: auditEvents.requestId }).from(auditEvents)).map((r) => [r.requestId, r.id]));
  });
}, 300_000);
afterAll(() => database.dispose());

const verify = (args: string[] = []) => runScript("scripts/audit-verify.ts", database.driver === "pglite" ? [...args, "--embedded"] : args, database.env());

async function tamper(statement: ReturnType<typeof sql>) {
  await database.use(async (db) => {
    await db.execute(sql`alter table audit_events disable trigger audit_events_no_update_or_delete`);
    await db.execute(statement);
    await db.execute(sql`alter table audit_events enable trigger audit_events_no_update_or_delete`);
  });
}

describe("npm run audit:verify", () => {
  it("prints that every event verifies and exits 0", () => {
    const run = verify();
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("audit chain: 13 events verified, 0 broken\n");
    expect(run.status).toBe(0);
  }, 120_000);

  it("names the first broken event of each chain a changed or deleted row breaks, and exits 1", async () => {
    const changed = ids.get("verify-4")!;
    await tamper(sql`update audit_events set actor_label = 'someone-else@verify.example' where id = ${changed}`);
    const once = verify();
    expect(once.stderr).toBe("");
    expect(once.stdout).toBe(
      [
        "audit chain: 12 events verified, 1 broken",
        `first broken event of the chain of Verify Traders (${orgs[0]!.id}): #${changed} — its content does not match its hash`,
        "",
      ].join("\n"),
    );
    expect(once.status).toBe(1);

    // A deleted event of the other organisation: the one after it is named too.
    await tamper(sql`delete from audit_events where id = ${ids.get("verify-5")!}`);
    const twice = verify();
    expect(twice.stdout.split("\n")).toEqual(
      expect.arrayContaining([
        "audit chain: 10 events verified, 2 broken",
        `first broken event of the chain of Verify Household (${orgs[1]!.id}): #${ids.get("verify-7")} — the event before it is missing`,
      ]),
    );
    expect(twice.status).toBe(1);
  }, 120_000);

  it("refuses unknown options, and the embedded database without --embedded", () => {
    const unknown = verify(["--fix"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Usage: npm run audit:verify");
    const plain = runScript("scripts/audit-verify.ts", [], database.env());
    expect(plain.status).toBe(database.driver === "pglite" ? 2 : 1);
    if (database.driver === "pglite") expect(plain.stderr).toContain("stop the server first, then run it again with --embedded");
  }, 120_000);
});
