/**
 * Prepares the benchmark's database before its server starts: migrations, demo data, and one live
 * key with accounts:view over two accounts. For the portal's figures, it brings one organisation to
 * exactly 20 keys and another to 10,000, and signs a member of each in (a session row and the cookie
 * Auth.js would have set, sealed with the server's AUTH_SECRET). Writes all of it to the file given.
 */
import { writeFileSync } from "node:fs";
import { and, asc, count, eq, inArray, isNull, sql } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { createSession, SESSION_ABSOLUTE_SECONDS } from "@/lib/auth/sessions";
import { databaseHandle, type Executor } from "@/lib/db";
import { accounts, apiKeyAccounts, apiKeys, applications, memberships, users } from "@/lib/db/schema";
import { seedDemoData } from "@/lib/demo/seed";
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
  const portal = { small: await signedInOrganisation(db, "thabo@nkosi.example", 20), large: await signedInOrganisation(db, "naledi@acme.example", 10_000) };
  // Statistics for the tables just filled, now: left to autovacuum, the analysis of 10,000 new keys
  // lands in the first measured round and weighs on whichever scenario it falls in.
  await db.execute(sql`vacuum analyze`);
  writeFileSync(process.argv[2]!, JSON.stringify({ key, keyId: row!.id, portal }));
  await handle.close();
}

/**
 * Brings the member's first organisation to `total` live keys (spread over 90 days of age, so some
 * are expiring and some frozen, as in a real list), and signs the member in.
 */
async function signedInOrganisation(db: Executor, email: string, total: number) {
  const [member] = await db
    .select({ userId: users.id, orgId: memberships.orgId })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(eq(users.email, email))
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  const { userId, orgId } = member!;
  const [app] = await db.select({ id: applications.id }).from(applications).where(eq(applications.orgId, orgId)).orderBy(asc(applications.createdAt)).limit(1);
  const [account] = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.orgId, orgId), eq(accounts.mode, "live")))
    .orderBy(asc(accounts.name))
    .limit(1);
  const [{ n }] = (await db
    .select({ n: count() })
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt)))) as [{ n: number }];
  const missing = total - Number(n);
  if (missing < 0) throw new Error(`${email}'s organisation already has more than ${total} keys`);
  if (missing > 0) {
    await db.execute(sql`
      with made as (
        insert into api_keys (org_id, application_id, alias, mode, prefix, secret_hash, permissions, created_by, created_at, expires_at)
        select ${orgId}::uuid, ${app!.id}::uuid, 'Bench key ' || g, 'live', 'lk_live_' || substr(md5(g::text), 1, 4),
               md5(random()::text || g) || md5(clock_timestamp()::text || g), array['accounts:view', 'balances:view'], ${userId}::uuid,
               now() - (g % 100) * interval '1 day', now() - (g % 100) * interval '1 day' + interval '90 days'
        from generate_series(1, ${missing}) as g
        returning id)
      insert into api_key_accounts (key_id, account_id) select id, ${account!.id}::uuid from made`);
  }
  const sessionId = await createSession(db, { userId, ip: "127.0.0.1", userAgent: "latchkey-bench" });
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error("the benchmark sets AUTH_SECRET for its server and for this script");
  const salt = "authjs.session-token";
  const token = await encode({ token: { sub: userId, sid: sessionId }, secret, salt, maxAge: SESSION_ABSOLUTE_SECONDS });
  const [someKey] = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt)))
    .orderBy(asc(apiKeys.createdAt))
    .limit(1);
  return { cookie: `${salt}=${token}`, keyId: someKey!.id, keys: total };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
