import { ChevronRight, KeySquare, Lock } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AddApplication, CreateIndividualConnection } from "@/components/admin/credentials";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Card } from "@/components/ui/card";
import { requirePageActor } from "@/lib/auth/current";
import { listApplicationSummaries } from "@/lib/credentials/list-applications";
import { query } from "@/lib/query";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Credentials" };

export default async function CredentialsPage({ searchParams }: { searchParams: Promise<{ app?: string | string[] }> }) {
  const actor = await requirePageActor({ organisation: true });
  // The earlier address of one application's credentials.
  const { app: chosen } = await searchParams;
  if (typeof chosen === "string" && /^[0-9a-f-]{36}$/i.test(chosen)) redirect(`/credentials/${chosen}`);
  const seesCredentials = actor.permissions.has("credentials:view");
  const allowed = seesCredentials || actor.permissions.has("keys:view");
  const apps = allowed ? await query(listApplicationSummaries, actor) : [];
  const business = actor.org.kind === "business";
  return (
    <>
      <PageHeader
        crumbs={[{ label: actor.org.name }, { label: "Credentials" }]}
        title="Credentials"
        description={
          business
            ? "Each application has a client ID, a client secret and its own API keys; together they open the bank API."
            : "Your connection has a client ID and a client secret; with an API key they open the bank API."
        }
        action={seesCredentials && business ? <AddApplication /> : undefined}
      />
      <PageBody>
        {!allowed ? (
          <Notice icon={Lock} title="Only the main account holder sees credentials">
            Your role ({actor.role?.name}) does not include client credentials.
          </Notice>
        ) : apps.length === 0 ? (
          <Notice icon={KeySquare} title="No applications yet">
            {actor.org.status === "pending" ? (
              "Your organisation gets its first application when the bank approves it."
            ) : !seesCredentials ? (
              "A member whose role includes client credentials can create the first one."
            ) : business ? (
              "Add your first application above: API keys belong to one."
            ) : (
              <span className="flex flex-col items-center gap-4">
                Your connection holds your client ID and secret; API keys belong to it.
                <CreateIndividualConnection />
              </span>
            )}
          </Notice>
        ) : (
          <>
            {!seesCredentials ? (
              <p className="flex items-start gap-2 rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-600">
                <Lock className="mt-0.5 size-4 shrink-0 text-zinc-500" aria-hidden /> Your role ({actor.role?.name}) does not include client credentials: you
                see each application&rsquo;s keys.
              </p>
            ) : null}
            <ul aria-label="Applications" className="grid grid-cols-1 gap-3 md:grid-cols-2">
              {apps.map((app) => (
                <li key={app.id}>
                  <Card className="relative p-5 transition-colors focus-within:ring-2 focus-within:ring-accent-500 hover:border-zinc-300">
                    <div className="flex items-start justify-between gap-3">
                      <h2 className="min-w-0 text-base font-semibold break-words text-zinc-900">
                        <Link href={`/credentials/${app.id}`} className="after:absolute after:inset-0 focus:outline-none">
                          {app.name}
                        </Link>
                      </h2>
                      <ChevronRight className="mt-1 size-4 shrink-0 text-zinc-500" aria-hidden />
                    </div>
                    <dl className="mt-3 grid grid-cols-[7rem_minmax(0,1fr)] gap-x-3 gap-y-1.5 text-sm">
                      {app.credentials ? (
                        <>
                          <dt className="text-zinc-500">Client ID</dt>
                          <dd className="truncate font-mono text-xs leading-5 text-zinc-800">{app.credentials.clientId}</dd>
                          <dt className="text-zinc-500">Client secret</dt>
                          <dd className="text-zinc-800">
                            {app.credentials.secretIssued ? (
                              <>Set · rotated {formatDate(app.credentials.secretRotatedAt)}</>
                            ) : (
                              <span className="font-medium text-amber-800">Not issued yet</span>
                            )}
                          </dd>
                        </>
                      ) : null}
                      {app.keyCount !== null ? (
                        <>
                          <dt className="text-zinc-500">API keys</dt>
                          <dd className="tabular text-zinc-800">{app.keyCount}</dd>
                        </>
                      ) : null}
                      <dt className="text-zinc-500">Created</dt>
                      <dd className="tabular text-zinc-800">{formatDate(app.createdAt)}</dd>
                    </dl>
                  </Card>
                </li>
              ))}
            </ul>
          </>
        )}
      </PageBody>
    </>
  );
}
