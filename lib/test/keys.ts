import { eq, sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { apiKeys, memberships, roles, users } from "@/lib/db/schema";
import { DEMO_PEOPLE } from "@/lib/demo/people";
import { createKey } from "@/lib/keys/create-key";
import { loadWizardOptions } from "@/lib/keys/wizard-options";
import { hashSecret } from "@/lib/security/hashing";
import { actorFor, context, db } from "./helpers";

export const pinOf = (email: string) => DEMO_PEOPLE.find((p) => p.email === email)!.pin;

let aliasCounter = 0;
/** A valid creation request for the actor's organisation: live accounts, account information read-only. */
export async function validKeyInput(actor: Actor, overrides: Record<string, unknown> = {}) {
  const admin = actor.permissions.has("keys:create")
    ? actor
    : await actorFor(actor.org!.name === "Nkosi Private Banking" ? "thabo@nkosi.example" : "naledi@acme.example");
  const options = await loadWizardOptions(db(), admin);
  const live = options.accounts.filter((a) => a.mode === "live");
  const companyIds = options.orgKind === "business" ? [live[0]!.companyId!] : [];
  const accountIds = live
    .filter((a) => options.orgKind === "private" || a.companyId === companyIds[0])
    .slice(0, 2)
    .map((a) => a.id);
  return {
    alias: `Key ${++aliasCounter}`,
    description: "",
    mode: "live",
    applicationId: options.applications[0]!.id,
    companyIds,
    accountIds,
    permissions: ["accounts:view", "balances:view", "transactions:view"],
    ...overrides,
  };
}

/** Creates a key as the organisation's Superadmin, for tests that need one to act on. */
export async function makeKey(email = "naledi@acme.example", overrides: Record<string, unknown> = {}) {
  const actor = await actorFor(email);
  return createKey(db(), actor, { ...(await validKeyInput(actor, overrides)), pin: pinOf(email) }, context);
}

/** A member of `orgName` holding a custom role with exactly these permissions, PIN 482915. */
export async function memberWithPermissions(orgId: string, permissions: string[], label: string) {
  const [role] = await db()
    .insert(roles)
    .values({ orgId, name: `Custom ${label}`, permissions })
    .returning({ id: roles.id });
  const email = `${label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}@matrix.example`;
  const [user] = await db()
    .insert(users)
    .values({ email, name: `Matrix ${label}`, passwordHash: "unused", pinHash: await hashSecret("482915"), pinSetAt: new Date() })
    .returning({ id: users.id });
  await db().insert(memberships).values({ orgId, userId: user!.id, roleId: role!.id });
  return actorFor(email);
}

/** Every row of the key tables, to prove a refused action changed nothing. */
export async function keyTablesSnapshot() {
  const result = await db().execute(sql`
    select (select coalesce(json_agg(k order by k.id), '[]') from api_keys k)::text as keys,
           (select coalesce(json_agg(a order by a.key_id, a.account_id), '[]') from api_key_accounts a)::text as accounts,
           (select coalesce(json_agg(c order by c.key_id, c.company_id), '[]') from api_key_companies c)::text as companies`);
  return JSON.stringify(result.rows[0]);
}

export async function keyRow(id: string) {
  const [row] = await db().select().from(apiKeys).where(eq(apiKeys.id, id));
  return row!;
}
