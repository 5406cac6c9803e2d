import type { ActorOrganisation } from "@/lib/auth/actor";

/** What stands between an organisation and key management, in words for its members. */
export function keyManagementBlockers(org: Pick<ActorOrganisation, "status" | "products">): string[] {
  const blockers: string[] = [];
  if (org.status === "pending") blockers.push("The bank has not yet approved your organisation's onboarding.");
  if (org.status === "suspended") blockers.push("The bank has suspended your organisation. Its API keys do not work.");
  if (org.products.length === 0) blockers.push("No API product has been enabled for your organisation yet.");
  return blockers;
}
