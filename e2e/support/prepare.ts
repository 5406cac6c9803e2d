/**
 * Prepares the database the end-to-end server will use, before that server starts (one process
 * per PGlite folder): migrations, the demo data, and the people only the tests need.
 */
import { and, eq } from "drizzle-orm";
import { databaseHandle } from "@/lib/db";
import { memberships, organisations, roles, users } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { hashSecret } from "@/lib/security/hashing";
import { E2E_NEWCOMERS, E2E_PASSWORD } from "./people";

async function main() {
  const handle = databaseHandle();
  await handle.migrate();
  await seedDemoData(handle.db);
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
  await handle.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
