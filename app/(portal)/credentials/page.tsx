import { KeySquare, Lock } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { AddApplication, RotateSecret } from "@/components/admin/credentials";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { requirePageActor } from "@/lib/auth/current";
import { listApplications } from "@/lib/credentials/list-applications";
import { getDb } from "@/lib/db";
import { formatDate } from "@/lib/format";
import { cn } from "@/lib/utils";

export const metadata: Metadata = { title: "Credentials" };

export default async function CredentialsPage({ searchParams }: { searchParams: Promise<{ app?: string }> }) {
  const actor = await requirePageActor({ organisation: true });
  const allowed = actor.permissions.has("credentials:view");
  const apps = allowed ? await listApplications(getDb(), actor) : [];
  const business = actor.org!.kind === "business";
  const { app: chosen } = await searchParams;
  const current = apps.find((a) => a.id === chosen) ?? apps[0];
  return (
    <>
      <PageHeader
        crumbs={[{ label: actor.org!.name }, { label: "Credentials" }]}
        title="Credentials"
        description="Each application has a client ID and a client secret; together with an API key they open the bank API."
        action={allowed && business ? <AddApplication /> : undefined}
      />
      <PageBody>
        {!allowed ? (
          <Notice icon={Lock} title="Only the main account holder sees credentials">
            Your role ({actor.role?.name}) does not include client credentials.
          </Notice>
        ) : !current ? (
          <Notice icon={KeySquare} title="No applications yet">
            Your organisation has no application with client credentials.
          </Notice>
        ) : (
          <>
            {business && apps.length > 1 ? (
              <nav aria-label="Applications" className="flex flex-wrap gap-1.5">
                {apps.map((a) => (
                  <Link
                    key={a.id}
                    href={`/credentials?app=${a.id}`}
                    aria-current={a.id === current.id ? "page" : undefined}
                    className={cn(
                      "rounded-full border px-3 py-1 text-sm",
                      a.id === current.id ? "border-accent-300 bg-accent-50 font-medium text-accent-800" : "border-zinc-200 bg-white text-zinc-700 hover:bg-zinc-50",
                    )}
                  >
                    {a.name}
                  </Link>
                ))}
              </nav>
            ) : null}
            <Card className="p-6">
              <div className="flex items-start justify-between gap-4">
                <div>
                  <h2 className="text-base font-semibold text-zinc-900">{current.name}</h2>
                  <p className="text-sm text-zinc-500">Created {formatDate(current.createdAt)}</p>
                </div>
                <RotateSecret applicationId={current.id} name={current.name} />
              </div>
              <dl className="mt-5 grid gap-4 sm:grid-cols-[10rem_1fr]">
                <dt className="text-sm font-medium text-zinc-600">Client ID</dt>
                <dd className="flex items-center gap-3">
                  <span className="font-mono text-sm break-all text-zinc-900">{current.clientId}</span>
                  <CopyButton value={current.clientId} size="sm" label="Copy the client ID" />
                </dd>
                <dt className="text-sm font-medium text-zinc-600">Client secret</dt>
                <dd className="font-mono text-sm text-zinc-500" aria-label={`Secret ending in ${current.clientSecretLast4}`}>
                  lkcs_••••••••{current.clientSecretLast4}
                  <span className="ml-3 font-sans text-xs text-zinc-500">Shown once when issued; rotate it if it is lost.</span>
                </dd>
                <dt className="text-sm font-medium text-zinc-600">Secret last rotated</dt>
                <dd className="tabular text-sm text-zinc-900">{formatDate(current.secretRotatedAt)}</dd>
              </dl>
            </Card>
          </>
        )}
      </PageBody>
    </>
  );
}
