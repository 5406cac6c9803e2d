import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { accounts, applications, companies } from "@/lib/db/schema";
import { keyManagementBlockers } from "@/lib/organisations/onboarding";

/** What the creation wizard offers: the organisation's applications, companies and accounts. */
export async function loadWizardOptions(db: Executor, actor: Actor) {
  const { org } = authorize(actor, { permission: "keys:create" });
  const [apps, comps, accts] = await Promise.all([
    db.select({ id: applications.id, name: applications.name }).from(applications).where(eq(applications.orgId, org.id)).orderBy(asc(applications.createdAt)),
    db.select({ id: companies.id, name: companies.name }).from(companies).where(eq(companies.orgId, org.id)).orderBy(asc(companies.name)),
    db
      .select({
        id: accounts.id,
        name: accounts.name,
        number: accounts.number,
        currency: accounts.currency,
        mode: accounts.mode,
        companyId: accounts.companyId,
      })
      .from(accounts)
      .where(eq(accounts.orgId, org.id))
      .orderBy(asc(accounts.name)),
  ]);
  return {
    orgKind: org.kind,
    products: org.products,
    applications: apps,
    companies: comps,
    accounts: accts,
    canManageCredentials: actor.permissions.has("credentials:view"),
  };
}

export type WizardOptions = Awaited<ReturnType<typeof loadWizardOptions>>;

/** What stops a member from creating a key, said plainly, with the way forward when there is one. */
export type NewKeyBlocker =
  | { kind: "forbidden"; title: string; message: string }
  | { kind: "onboarding"; title: string; message: string }
  | { kind: "no_application"; title: string; message: string; link: { href: string; label: string } | null };

/**
 * The new-key page's data: the wizard's options, or the one thing that is missing first. Keys belong
 * to an application, so an organisation without one is told so (and, where the member can add one,
 * sent to the Credentials page) instead of being shown a wizard that cannot finish.
 */
export async function loadNewKeyPage(
  db: Executor,
  actor: Actor,
): Promise<{ blocker: NewKeyBlocker; options: null } | { blocker: null; options: WizardOptions }> {
  const { org } = authorize(actor, { organisation: true });
  const onboarding = keyManagementBlockers(org);
  if (onboarding.length) return { blocker: { kind: "onboarding", title: "API keys are not available yet", message: onboarding.join(" ") }, options: null };
  if (!actor.permissions.has("keys:create")) {
    return {
      blocker: {
        kind: "forbidden",
        title: "You can't create keys",
        message: `Your role (${actor.role?.name ?? "none"}) does not include creating API keys. A Superadmin or Admin can create one for you.`,
      },
      options: null,
    };
  }
  const options = await loadWizardOptions(db, actor);
  if (options.applications.length === 0) return { blocker: noApplication(org.kind, actor.permissions.has("credentials:view")), options: null };
  return { blocker: null, options };
}

function noApplication(kind: "private" | "business", managesCredentials: boolean): NewKeyBlocker {
  const title = "Add an application first";
  if (kind === "private") {
    return {
      kind: "no_application",
      title: "Your connection is not set up yet",
      message:
        "Keys belong to your individual connection, which holds your client ID and secret, and the bank has not set it up yet. Contact the bank to finish it; then come back here.",
      link: null,
    };
  }
  if (managesCredentials) {
    return {
      kind: "no_application",
      title,
      message:
        "Keys belong to an application (a connection with its own client ID and secret), and your organisation has none yet. Add one on the Credentials page, then come back to create its first key.",
      link: { href: "/credentials", label: "Add an application" },
    };
  }
  return {
    kind: "no_application",
    title,
    message:
      "Keys belong to an application (a connection with its own client ID and secret), and your organisation has none yet. Your Superadmin, or a member who manages credentials, can add one on the Credentials page.",
    link: null,
  };
}
