/**
 * Prepares the benchmark's database before its server starts: migrations, demo data, and one live
 * key with accounts:view over two accounts. For the portal's figures, it makes two organisations
 * alike in everything (members, applications, companies, accounts, how old their keys are) but the
 * number of keys — 20 in one, 10,000 in the other — and signs the member of each in (a session row
 * and the cookie Auth.js would have set, sealed with the server's AUTH_SECRET). Writes all of it to
 * the file given.
 */
import { writeFileSync } from "node:fs";
import { and, asc, count, eq, inArray, isNull, sql } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { createSession, SESSION_ABSOLUTE_SECONDS } from "@/lib/auth/sessions";
import { databaseHandle, type Executor } from "@/lib/db";
import { createApplication } from "@/lib/credentials/create-application";
import { accounts, apiKeyAccounts, apiKeys, applications, companies, memberships, users } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
import { createOrganisation } from "@/lib/organisations/create-organisation";
import { generateApiKey } from "@/lib/keys/key-format";
import { sha256Hex } from "@/lib/security/hashing";

async function main() {
  const handle = databaseHandle();
  await handle.migrate();
  await seedDemoData(handle.db);
  const db = handle.db;
  const [app] = await db.select().from(applications).where(eq(applications.name, "ERP integration"));
  const [owner] = await db.select().from(users).where(eq(users.email, "naledi@acme.example"));
  const chosen = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(inArray(accounts.name, ["Acme Retail ZAR operating", "Acme Retail USD FX"]));
  const { key, prefix } = generateApiKey("live");
  const [row] = await db
    .insert(apiKeys)
    .values({
      orgId: app!.orgId,
      applicationId: app!.id,
      alias: `Benchmark ${new Date().toISOString()}`,
      mode: "live",
      prefix,
      secretHash: sha256Hex(key),
      permissions: ["accounts:view"],
      createdBy: owner!.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    })
    .returning({ id: apiKeys.id });
  await db.insert(apiKeyAccounts).values(chosen.map((a) => ({ keyId: row!.id, accountId: a.id })));
  const portal = { small: await benchOrganisation(db, "small", 20), large: await benchOrganisation(db, "large", 10_000) };
  // Statistics for the tables just filled, now: left to autovacuum, the analysis of 10,000 new keys
  // lands in the first measured round and weighs on whichever scenario it falls in.
  await db.execute(sql`vacuum analyze`);
  writeFileSync(process.argv[2]!, JSON.stringify({ key, keyId: row!.id, portal }));
  await handle.close();
}

/**
 * A new organisation like the demo's business one: approved with every product, two applications, a
 * company with live and sandbox accounts, and one Superadmin — its own, so that the two organisations
 * sign in alike. It holds `total` live keys, their ages spread evenly over 100 days whatever their
 * number (so a tenth are frozen and some expiring, at 20 keys as at 10,000), each over one account.
 * Returns the member's session cookie.
 */
async function benchOrganisation(db: Executor, label: "small" | "large", total: number) {
  const org = await createOrganisation(db, {
    name: `Benchmark ${label}`,
    kind: "business",
    status: "approved",
    products: ["account_information", "payments", "cards"],
  });
  const apps = [await createApplication(db, org.id, "ERP integration"), await createApplication(db, org.id, "Treasury bot")];
  const [company] = await db.insert(companies).values({ orgId: org.id, name: "Benchmark Trading (Pty) Ltd" }).returning({ id: companies.id });
  const number = (n: number) => `9${label === "small" ? 1 : 2}${String(process.pid % 1_000_000).padStart(6, "0")}${n}`;
  const made = await db
    .insert(accounts)
    .values(
      (
        [
          ["ZAR operating", "ZAR", "live"],
          ["USD FX", "USD", "live"],
          ["ZAR sandbox", "ZAR", "test"],
        ] as const
      ).map(([name, currency, mode], i) => ({ orgId: org.id, companyId: company!.id, name: `Benchmark ${name}`, number: number(i), currency, mode })),
    )
    .returning({ id: accounts.id, mode: accounts.mode });
  const account = made.find((a) => a.mode === "live")!;
  // The demo's password and PIN (hashed once already): a member without a PIN would be sent to set one.
  const [demo] = await db.select({ passwordHash: users.passwordHash, pinHash: users.pinHash }).from(users).where(eq(users.email, "naledi@acme.example"));
  const [user] = await db
    .insert(users)
    .values({ email: `bench-${label}-${process.pid}@latchkey.example`, name: `Benchmark ${label}`, ...demo!, pinSetAt: new Date() })
    .returning({ id: users.id });
  const userId = user!.id;
  await db.insert(memberships).values({ orgId: org.id, userId, roleId: org.roleIds.superadmin });
  await db.execute(sql`
    with made as (
      insert into api_keys (org_id, application_id, alias, mode, prefix, secret_hash, permissions, created_by, created_at, expires_at)
      select ${org.id}::uuid, ${apps[0]!.id}::uuid, 'Bench key ' || g, 'live', 'lk_live_' || substr(md5(g::text), 1, 4),
             md5(random()::text || g) || md5(clock_timestamp()::text || g), array['accounts:view', 'balances:view'], ${userId}::uuid,
             now() - (100.0 * g / ${total}) * interval '1 day', now() - (100.0 * g / ${total}) * interval '1 day' + interval '90 days'
      from generate_series(1, ${total}) as g
      returning id)
    insert into api_key_accounts (key_id, account_id) select id, ${account.id}::uuid from made`);
  const sessionId = await createSession(db, { userId, ip: "127.0.0.1", userAgent: "latchkey-bench" });
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error("the benchmark sets AUTH_SECRET for its server and for this script");
  const salt = "authjs.session-token";
  const token = await encode({ token: { sub: userId, sid: sessionId }, secret, salt, maxAge: SESSION_ABSOLUTE_SECONDS });
  const [someKey] = await db
    .select({ id: apiKeys.id, prefix: apiKeys.prefix })
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, org.id), isNull(apiKeys.revokedAt)))
    .orderBy(asc(apiKeys.createdAt))
    .limit(1);
  const [{ n }] = (await db
    .select({ n: count() })
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, org.id), isNull(apiKeys.revokedAt)))) as [{ n: number }];
  if (Number(n) !== total) throw new Error(`the ${label} organisation holds ${n} keys, not ${total}`);
  // The key list's search is measured with a key's prefix, as someone pasting it from a log searches.
  return { cookie: `${salt}=${token}`, keyId: someKey!.id, searchPrefix: someKey!.prefix, keys: total };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
