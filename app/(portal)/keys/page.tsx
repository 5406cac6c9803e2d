import { CircleAlert, KeyRound } from "lucide-react";
import type { Metadata } from "next";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { requirePageActor } from "@/lib/auth/current";
import { keyManagementBlockers } from "@/lib/organisations/onboarding";
import { API_PRODUCT_LABELS } from "@/lib/permissions";

export const metadata: Metadata = { title: "API keys" };

export default async function KeysPage() {
  const actor = await requirePageActor({ organisation: true });
  const org = actor.org!;
  const blockers = keyManagementBlockers(org);
  return (
    <>
      <PageHeader
        crumbs={[{ label: org.name }, { label: "API keys" }]}
        title="API keys"
        description="Keys let your own software call the bank's API for the accounts and permissions you choose."
      />
      <PageBody>
        {blockers.length > 0 ? (
          <Notice icon={CircleAlert} title="API keys are not available yet">
            <ul className="mt-1 space-y-1 text-left">
              {blockers.map((blocker) => (
                <li key={blocker} className="flex gap-2">
                  <span aria-hidden>•</span>
                  {blocker}
                </li>
              ))}
            </ul>
            <p className="mt-3">Your bank&apos;s onboarding team completes these steps; nothing is needed from you now.</p>
          </Notice>
        ) : !actor.permissions.has("keys:view") ? (
          <Notice icon={KeyRound} title="You can't see this organisation's keys">
            Your role ({actor.role?.name}) does not include viewing API keys. Ask a Superadmin or Admin for access.
          </Notice>
        ) : (
          <Notice icon={KeyRound} title="Key management opens here">
            Enabled for {org.name}: {org.products.map((p) => API_PRODUCT_LABELS[p]).join(", ")}. The key list, the creation
            wizard and renewals are being switched on for your organisation.
          </Notice>
        )}
      </PageBody>
    </>
  );
}
