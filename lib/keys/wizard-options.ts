import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { accounts, applications, companies } from "@/lib/db/schema";

/** What the creation wizard offers: the organisation's applications, companies and accounts. */
export async function loadWizardOptions(db: Executor, actor: Actor) {
  const { org } = authorize(actor, { permission: "keys:create" });
  const [apps, comps, accts] = await Promise.all([
    db.select({ id: applications.id, name: applications.name }).from(applications).where(eq(applications.orgId, org!.id)).orderBy(asc(applications.createdAt)),
    db.select({ id: companies.id, name: companies.name }).from(companies).where(eq(companies.orgId, org!.id)).orderBy(asc(companies.name)),
    db
      .select({ id: accounts.id, name: accounts.name, number: accounts.number, currency: accounts.currency, mode: accounts.mode, companyId: accounts.companyId })
      .from(accounts)
      .where(eq(accounts.orgId, org!.id))
      .orderBy(asc(accounts.name)),
  ]);
  return { orgKind: org!.kind, products: org!.products, applications: apps, companies: comps, accounts: accts };
}

export type WizardOptions = Awaited<ReturnType<typeof loadWizardOptions>>;
