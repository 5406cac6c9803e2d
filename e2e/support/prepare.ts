/**
 * Prepares the database the end-to-end server will use, before that server starts (one process
 * per PGlite folder): migrations (as the owner, MIGRATION_DATABASE_URL), the demo data, the people
 * only the tests need, and a bank operator made by `npm run operator:create` whose set-up link the
 * tests open.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { and, eq } from "drizzle-orm";
import { databaseHandle, migrateDatabase } from "@/lib/db";
import {
  accounts,
  apiKeyAccounts,
  apiKeyCompanies,
  apiKeyPermissionUse,
  apiKeys,
  applications,
  memberships,
  organisations,
  roles,
  users,
} from "@/lib/db/schema";
import { generateApiKey } from "@/lib/keys/key-format";
import { sha256Hex } from "@/lib/security/hashing";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { runExpiryReminders } from "@/lib/jobs/expiry-reminders";
import { hashSecret } from "@/lib/security/hashing";
import { E2E_NEWCOMERS, E2E_PASSKEY_PERSON, E2E_PASSWORD, E2E_SESSION_PEOPLE, E2E_SESSION_PIN } from "./people";

/** The operator the set-up test makes through the command line. */
const E2E_OPERATOR = { email: "newops@bank.example", name: "Sizwe Khumalo" };

async function main() {
  await migrateDatabase();
  const handle = databaseHandle();
  const seeded = await seedDemoData(handle.db);
  const existing = await handle.db.select({ id: users.id }).from(users).where(eq(users.email, E2E_NEWCOMERS[0]!));
  if (existing.length === 0) {
    const [acme] = await handle.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, ORG_NAMES.acme));
    const [developer] = await handle.db
      .select({ id: roles.id })
      .from(roles)
      .where(and(eq(roles.orgId, acme!.id), eq(roles.builtIn, "developer")));
    const passwordHash = await hashSecret(E2E_PASSWORD);
    for (const [i, email] of E2E_NEWCOMERS.entries()) {
      // Members invited but not yet signed in: no PIN.
      const [user] = await handle.db
        .insert(users)
        .values({ email, name: `Newcomer ${i + 1}`, passwordHash })
        .returning({ id: users.id });
      await handle.db.insert(memberships).values({ orgId: acme!.id, userId: user!.id, roleId: developer!.id });
    }
  }
  const sessionPeople = await handle.db.select({ id: users.id }).from(users).where(eq(users.email, E2E_SESSION_PEOPLE[0]!));
  if (sessionPeople.length === 0) {
    const [acme] = await handle.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, ORG_NAMES.acme));
    const [developer] = await handle.db
      .select({ id: roles.id })
      .from(roles)
      .where(and(eq(roles.orgId, acme!.id), eq(roles.builtIn, "developer")));
    const passwordHash = await hashSecret(E2E_PASSWORD);
    const pinHash = await hashSecret(E2E_SESSION_PIN);
    for (const [i, email] of E2E_SESSION_PEOPLE.entries()) {
      const [user] = await handle.db
        .insert(users)
        .values({ email, name: `Session Tester ${i + 1}`, passwordHash, pinHash, pinSetAt: new Date() })
        .returning({ id: users.id });
      await handle.db.insert(memberships).values({ orgId: acme!.id, userId: user!.id, roleId: developer!.id });
    }
  }
  const passkeyPerson = await handle.db.select({ id: users.id }).from(users).where(eq(users.email, E2E_PASSKEY_PERSON.email));
  if (passkeyPerson.length === 0) {
    const [acme] = await handle.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, ORG_NAMES.acme));
    const [admin] = await handle.db
      .select({ id: roles.id })
      .from(roles)
      .where(and(eq(roles.orgId, acme!.id), eq(roles.builtIn, "admin")));
    const [user] = await handle.db
      .insert(users)
      .values({
        email: E2E_PASSKEY_PERSON.email,
        name: E2E_PASSKEY_PERSON.name,
        passwordHash: await hashSecret(E2E_PASSWORD),
        pinHash: await hashSecret(E2E_PASSKEY_PERSON.pin),
        pinSetAt: new Date(),
      })
      .returning({ id: users.id });
    await handle.db.insert(memberships).values({ orgId: acme!.id, userId: user!.id, roleId: admin!.id });
  }
  if (seeded.seeded) await dueKeys(handle.db);
  // The reminders the server's timer would write a few seconds after start, written now so the
  // bell's tests do not depend on when they run.
  await runExpiryReminders(handle.db);
  const fixtures = seeded.seeded && process.env.E2E_FIXTURES ? { applications: seeded.applications, keys: await apiKeyFixtures() } : null;
  await handle.close();
  if (fixtures) {
    // After closing: the command opens the database itself (on PGlite, only one process at a time may).
    writeFileSync(process.env.E2E_FIXTURES!, JSON.stringify({ ...fixtures, setUp: { ...E2E_OPERATOR, link: operatorSetUpLink() } }, null, 2));
  }
}

/** Runs `npm run operator:create` as a person would, and returns the set-up link it printed. */
function operatorSetUpLink(): string {
  const tsx = "node_modules/tsx/dist/cli.mjs";
  const args = [tsx, "--conditions=react-server", "scripts/operator-create.ts", "--email", E2E_OPERATOR.email, "--name", E2E_OPERATOR.name, "--embedded"];
  const result = spawnSync(process.execPath, args, { encoding: "utf8", env: process.env });
  const link = /https?:\/\/\S+\/set-up\/lksu_[A-Za-z0-9_-]{43}/.exec(result.stdout)?.[0];
  if (result.status !== 0 || !link) throw new Error(`operator:create failed (${result.status}): ${result.stderr}`);
  return link;
}

/**
 * Keys that are due, beyond the demo's: two more of Acme's, so "Renew all" renews several at once,
 * and one of Thabo's that no test renews, whose reminder e-mail must still be waiting in the outbox.
 */
async function dueKeys(db: ReturnType<typeof databaseHandle>["db"]) {
  const due: [application: string, creator: string, account: string, alias: string, days: number][] = [
    ["Treasury bot", "naledi@acme.example", "Acme Retail ZAR operating", "e2e due soon", 5],
    ["Treasury bot", "naledi@acme.example", "Acme Retail ZAR operating", "e2e frozen", -2],
    ["Individual connection", "thabo@nkosi.example", "Private Bank Account", "e2e outbox reminder", 10],
  ];
  for (const [applicationName, creator, accountName, alias, days] of due) {
    const [app] = await db.select().from(applications).where(eq(applications.name, applicationName));
    const [user] = await db.select().from(users).where(eq(users.email, creator));
    const [account] = await db.select().from(accounts).where(eq(accounts.name, accountName));
    const { key, prefix } = generateApiKey("live");
    const [row] = await db
      .insert(apiKeys)
      .values({
        orgId: app!.orgId,
        applicationId: app!.id,
        alias,
        mode: "live",
        prefix,
        secretHash: sha256Hex(key),
        permissions: ["accounts:view"],
        createdBy: user!.id,
        createdAt: new Date(Date.now() - (90 - days) * 86_400_000),
        expiresAt: new Date(Date.now() + days * 86_400_000),
      })
      .returning({ id: apiKeys.id });
    await db.insert(apiKeyAccounts).values({ keyId: row!.id, accountId: account!.id });
    if (account!.companyId) await db.insert(apiKeyCompanies).values({ keyId: row!.id, companyId: account!.companyId });
  }
}

/** The keys e2e/renew-narrower.spec.ts renews as narrower ones. */
const NARROWER = ["narrower journey", "narrower keyboard"];

/** Keys with known secrets for the black-box API tests, on Acme Retail's live ZAR account. */
async function apiKeyFixtures() {
  const db = databaseHandle().db;
  const [erp] = await db.select().from(applications).where(eq(applications.name, "ERP integration"));
  const [naledi] = await db.select().from(users).where(eq(users.email, "naledi@acme.example"));
  const [zar] = await db.select().from(accounts).where(eq(accounts.name, "Acme Retail ZAR operating"));
  const [usd] = await db.select().from(accounts).where(eq(accounts.name, "Acme Retail USD FX"));
  const [logisticsZar] = await db.select().from(accounts).where(eq(accounts.name, "Acme Logistics ZAR operating"));
  const fixtures: Record<string, { key: string; accountId: string }> = {};
  const all = [
    "accounts:view",
    "balances:view",
    "transactions:view",
    "statements:view",
    "tax_certificates:view",
    "transfers:edit",
    "payments:view",
    "payments:edit",
    "card_code:view",
    "card_code:edit",
  ];
  const specs: [string, string[], string[]?][] = [
    ["token", ["accounts:view", "balances:view"]],
    ["burst", ["accounts:view"]],
    ["midSession", ["accounts:view"]],
    // For the endpoint × permission matrix: each permission alone, and everything but it.
    ...all.flatMap((p): [string, string[]][] => [
      [`only ${p}`, [p]],
      [`without ${p}`, all.filter((q) => q !== p)],
    ]),
    // For the fuzz suite: every grant, on keys of their own so its traffic never spends another test's rate limit.
    ...[0, 1, 2, 3].map((i): [string, string[]] => [`fuzz ${i}`, all]),
    // For the IP allowlist: one the test runner is outside of, one it is inside (either loopback).
    ["allow ten", ["accounts:view"], ["10.0.0.0/8"]],
    ["allow loopback", ["accounts:view"], ["127.0.0.1", "::1"]],
    ...NARROWER.map((name): [string, string[]] => [name, ["accounts:view", "balances:view", "transactions:view"]]),
  ];
  for (const [name, permissions, allowedIps = []] of specs) {
    const { key, prefix } = generateApiKey("live");
    const [row] = await db
      .insert(apiKeys)
      .values({
        orgId: erp!.orgId,
        applicationId: erp!.id,
        alias: `e2e ${name}`,
        mode: "live",
        prefix,
        secretHash: sha256Hex(key),
        permissions: [...permissions],
        allowedIps,
        createdBy: naledi!.id,
        expiresAt: new Date(Date.now() + 90 * 86_400_000),
      })
      .returning({ id: apiKeys.id });
    await db.insert(apiKeyAccounts).values([
      { keyId: row!.id, accountId: zar!.id },
      { keyId: row!.id, accountId: usd!.id },
    ]);
    await db.insert(apiKeyCompanies).values({ keyId: row!.id, companyId: zar!.companyId! });
    fixtures[name] = { key, accountId: zar!.id };
  }
  // For the payment-limit race over HTTP: a key that moves money between two ZAR accounts, at most R 100,00 a day.
  {
    const { key, prefix } = generateApiKey("live");
    const [row] = await db
      .insert(apiKeys)
      .values({
        orgId: erp!.orgId,
        applicationId: erp!.id,
        alias: "e2e limited",
        mode: "live",
        prefix,
        secretHash: sha256Hex(key),
        permissions: ["accounts:view", "transfers:edit"],
        maxPerDay: 10_000n,
        createdBy: naledi!.id,
        expiresAt: new Date(Date.now() + 90 * 86_400_000),
      })
      .returning({ id: apiKeys.id });
    await db.insert(apiKeyAccounts).values([
      { keyId: row!.id, accountId: zar!.id },
      { keyId: row!.id, accountId: logisticsZar!.id },
    ]);
    await db.insert(apiKeyCompanies).values([
      { keyId: row!.id, companyId: zar!.companyId! },
      { keyId: row!.id, companyId: logisticsZar!.companyId! },
    ]);
    fixtures.limited = { key, accountId: zar!.id, toAccountId: logisticsZar!.id } as { key: string; accountId: string };
  }
  // For "renew as a narrower key": made 120 days ago, of their three grants only two used (a day ago).
  const madeAt = new Date(Date.now() - 120 * 86_400_000);
  for (const name of NARROWER) {
    const [row] = await db
      .update(apiKeys)
      .set({ createdAt: madeAt, usageTrackedSince: madeAt })
      .where(eq(apiKeys.alias, `e2e ${name}`))
      .returning({ id: apiKeys.id });
    const lastUsedAt = new Date(Date.now() - 86_400_000);
    await db.insert(apiKeyPermissionUse).values([
      { keyId: row!.id, permission: "accounts:view", lastUsedAt },
      { keyId: row!.id, permission: "balances:view", lastUsedAt },
    ]);
  }
  return fixtures;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
