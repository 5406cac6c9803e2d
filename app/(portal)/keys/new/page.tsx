import { CircleAlert, Lock } from "lucide-react";
import type { Metadata } from "next";
import { NewKeyWizard } from "@/components/keys/new-key-wizard";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { requirePageActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { getKey } from "@/lib/keys/get-key";
import { loadWizardOptions } from "@/lib/keys/wizard-options";
import { keyManagementBlockers } from "@/lib/organisations/onboarding";
import type { NewKeyInput } from "@/lib/schemas/keys";

export const metadata: Metadata = { title: "Create an API key" };

export default async function NewKeyPage({ searchParams }: { searchParams: Promise<{ like?: string }> }) {
  const actor = await requirePageActor({ organisation: true });
  const org = actor.org!;
  const header = (
    <PageHeader
      crumbs={[{ label: org.name }, { label: "API keys", href: "/keys" }, { label: "New key" }]}
      title="Create an API key"
      description="Choose what the key may reach and what it may do. Its permissions cannot be changed later."
    />
  );
  const blockers = keyManagementBlockers(org);
  if (!actor.permissions.has("keys:create") || blockers.length) {
    return (
      <>
        {header}
        <PageBody>
          {blockers.length ? (
            <Notice icon={CircleAlert} title="API keys are not available yet">
              {blockers.join(" ")}
            </Notice>
          ) : (
            <Notice icon={Lock} title="You can't create keys">
              Your role ({actor.role?.name}) does not include creating API keys. A Superadmin or Admin can create one for you.
            </Notice>
          )}
        </PageBody>
      </>
    );
  }

  const db = getDb();
  const options = await loadWizardOptions(db, actor);
  let initial: Partial<NewKeyInput> | undefined;
  const { like } = await searchParams;
  if (like && actor.permissions.has("keys:view")) {
    try {
      const source = await getKey(db, actor, like);
      initial = {
        alias: `${source.alias} (copy)`.slice(0, 64),
        description: source.description ?? "",
        mode: source.mode,
        applicationId: source.applicationId,
        companyIds: options.companies.filter((c) => source.companies.includes(c.name)).map((c) => c.id),
        accountIds: source.accounts.map((a) => a.id),
        permissions: source.permissions,
      };
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  return (
    <>
      {header}
      <PageBody>
        <NewKeyWizard options={options} initial={initial} />
      </PageBody>
    </>
  );
}
