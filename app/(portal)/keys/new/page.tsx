import { AppWindow, ArrowRight, CircleAlert, Lock } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { NewKeyWizard } from "@/components/keys/new-key-wizard";
import { Notice } from "@/components/shell/notice";
import { Button } from "@/components/ui/button";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { pageTargetMissing, requirePageActor } from "@/lib/auth/current";
import { query } from "@/lib/query";
import { NotFoundError } from "@/lib/errors";
import { getKey } from "@/lib/keys/get-key";
import { loadNewKeyPage } from "@/lib/keys/wizard-options";
import type { NewKeyFormInput } from "@/lib/schemas/keys";

export const metadata: Metadata = { title: "Create an API key" };

export default async function NewKeyPage({ searchParams }: { searchParams: Promise<{ like?: string }> }) {
  const actor = await requirePageActor({ organisation: true });
  const org = actor.org;
  const header = (
    <PageHeader
      crumbs={[{ label: org.name }, { label: "API keys", href: "/keys" }, { label: "New key" }]}
      title="Create an API key"
      description="Choose what the key may reach and what it may do. Its permissions cannot be changed later."
    />
  );
  const { blocker, options } = await query(loadNewKeyPage, actor);
  if (blocker) {
    return (
      <>
        {header}
        <PageBody>
          <Notice icon={blocker.kind === "forbidden" ? Lock : blocker.kind === "no_application" ? AppWindow : CircleAlert} title={blocker.title}>
            <p>{blocker.message}</p>
            {blocker.kind === "no_application" && blocker.link ? (
              <Button asChild className="mt-5">
                <Link href={blocker.link.href}>
                  {blocker.link.label} <ArrowRight aria-hidden />
                </Link>
              </Button>
            ) : null}
          </Notice>
        </PageBody>
      </>
    );
  }

  let initial: Partial<NewKeyFormInput> | undefined;
  const { like } = await searchParams;
  if (like && actor.permissions.has("keys:view")) {
    try {
      const source = await query(getKey, actor, like);
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
      await pageTargetMissing(actor, { action: "key.view", targetType: "api_key", targetId: like });
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
