/**
 * Prepares the benchmark's database before its server starts: migrations, demo data, and one live
 * key with accounts:view over two accounts. Writes the key and its id to the file given.
 */
import { writeFileSync } from "node:fs";
import { eq, inArray } from "drizzle-orm";
import { databaseHandle } from "@/lib/db";
import { accounts, apiKeyAccounts, apiKeys, applications, users } from "@/lib/db/schema";
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
  writeFileSync(process.argv[2]!, JSON.stringify({ key, keyId: row!.id }));
  await handle.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
