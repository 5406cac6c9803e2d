import { KeyRound, Lock } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { cache } from "react";
import { ApplicationSwitcher, RotateSecret } from "@/components/admin/credentials";
import { KeyStatusBadge, ModeBadge } from "@/components/keys/key-badges";
import { RelativeTime } from "@/components/keys/relative-time";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { buttonVariants } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { Table, Td, Th } from "@/components/ui/table";
import { pageNotFound, requirePageActor } from "@/lib/auth/current";
import { getApplicationView, type ApplicationView } from "@/lib/credentials/get-application";
import { query } from "@/lib/query";
import { NotFoundError } from "@/lib/errors";
import { formatDate, formatDateTime } from "@/lib/format";
import { keyStatus } from "@/lib/key-status";
import { keyManagementBlockers } from "@/lib/organisations/onboarding";

type Params = Promise<{ applicationId: string }>;

/** One read of the application per request, shared by the page's title and the page. */
const loadApplication = cache(async (applicationId: string) => query(getApplicationView, await requirePageActor({ organisation: true }), applicationId));

/** The tab names the application: "ERP integration · Credentials · Latchkey". */
export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const actor = await requirePageActor({ organisation: true });
  if (!actor.permissions.has("credentials:view") && !actor.permissions.has("keys:view")) return { title: "Credentials" };
  const { applicationId } = await params;
  try {
    const view = await loadApplication(applicationId);
    return { title: `${view.application.name} · Credentials` };
  } catch (error) {
    // The page answers "not found" (and records the attempt); the title only stays generic.
    if (error instanceof NotFoundError) return { title: "Credentials" };
    throw error;
  }
}

export default async function ApplicationPage({ params }: { params: Params }) {
  const actor = await requirePageActor({ organisation: true });
  const org = actor.org;
  if (!actor.permissions.has("credentials:view") && !actor.permissions.has("keys:view")) {
    return (
      <>
        <PageHeader
          crumbs={[{ label: org.name }, { label: "Credentials", href: "/credentials" }]}
          title="Application"
          description="Client credentials and the API keys of one application."
        />
        <PageBody>
          <Notice icon={Lock} title="You can't see applications">
            Your role ({actor.role?.name}) includes neither client credentials nor API keys.
          </Notice>
        </PageBody>
      </>
    );
  }
  const { applicationId } = await params;
  let view: ApplicationView;
  try {
    view = await loadApplication(applicationId);
  } catch (error) {
    if (error instanceof NotFoundError) await pageNotFound(actor, { action: "credentials.view", targetType: "application", targetId: applicationId });
    throw error;
  }
  const { application, credentials, keys } = view;
  const business = org.kind === "business";
  const now = new Date();
  const canCreate = actor.permissions.has("keys:create") && keyManagementBlockers(org).length === 0;
  return (
    <>
      <PageHeader
        crumbs={[{ label: org.name }, { label: "Credentials", href: "/credentials" }, { label: application.name }]}
        title={application.name}
        description={`Its client ID, its client secret and its API keys together. Created ${formatDate(application.createdAt)}.`}
        action={
          canCreate ? (
            <Link href="/keys/new" className={buttonVariants({ variant: "primary" })}>
              <KeyRound aria-hidden /> Create key
            </Link>
          ) : undefined
        }
      />
      <PageBody>
        {business && view.applications.length > 1 ? <ApplicationSwitcher applications={view.applications} currentId={application.id} /> : null}

        <section aria-labelledby="credentials-heading">
          {credentials ? (
            <Card className="p-5 sm:p-6">
              <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-3">
                <div className="min-w-0 flex-1 basis-64">
                  <h2 id="credentials-heading" className="text-base font-semibold text-zinc-900">
                    Client credentials
                  </h2>
                  <p className="text-sm text-zinc-500">With an API key, the client ID and secret get a 30-minute access token.</p>
                </div>
                <RotateSecret applicationId={application.id} name={application.name} issued={credentials.secretIssued} />
              </div>
              <dl className="mt-5 grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[10rem_minmax(0,1fr)] sm:gap-y-4 [&>dd]:mb-3 sm:[&>dd]:mb-0 [&>dd]:min-w-0">
                <dt className="text-sm font-medium text-zinc-600">Client ID</dt>
                <dd className="flex items-center gap-3">
                  <span className="min-w-0 font-mono text-sm break-all text-zinc-900">{credentials.clientId}</span>
                  <CopyButton value={credentials.clientId} size="sm" label="Copy the client ID" />
                </dd>
                <dt className="text-sm font-medium text-zinc-600">Client secret</dt>
                {credentials.secretIssued ? (
                  <dd className="text-sm">
                    {/* A picture of the masked secret, read out as what it is rather than as eight bullets. */}
                    <span role="img" className="font-mono text-zinc-700" aria-label={`Secret ending in ${credentials.clientSecretLast4}`}>
                      lkcs_••••••••{credentials.clientSecretLast4}
                    </span>
                    <span className="ml-3 rounded-full bg-green-50 px-2 py-0.5 text-xs font-medium text-green-800">Set</span>
                    <p className="mt-1 text-xs text-zinc-500">It was shown once and can never be shown again; rotate it if it is lost.</p>
                  </dd>
                ) : (
                  <dd className="text-sm">
                    <span className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900">Not issued yet</span>
                    <p className="mt-1 text-xs text-zinc-600">Issue it to use client credentials: it is shown once, then never again.</p>
                  </dd>
                )}
                <dt className="text-sm font-medium text-zinc-600">{credentials.secretIssued ? "Secret last rotated" : "Application created"}</dt>
                <dd className="tabular text-sm text-zinc-900">
                  {formatDateTime(credentials.secretIssued ? credentials.secretRotatedAt : application.createdAt)}
                </dd>
              </dl>
            </Card>
          ) : (
            <Card className="flex items-start gap-3 p-5">
              <Lock className="mt-0.5 size-4 shrink-0 text-zinc-500" aria-hidden />
              <div>
                <h2 id="credentials-heading" className="text-sm font-semibold text-zinc-900">
                  Client credentials
                </h2>
                <p className="text-sm text-zinc-600">
                  Only members whose role includes client credentials see this application&rsquo;s client ID and secret. Your role ({actor.role?.name}) does
                  not.
                </p>
              </div>
            </Card>
          )}
        </section>

        <section aria-labelledby="keys-heading" className="space-y-3">
          <h2 id="keys-heading" className="text-base font-semibold break-words text-zinc-900">
            API keys of {application.name}
          </h2>
          {keys === null ? (
            <p className="flex items-start gap-2 rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-600">
              <Lock className="mt-0.5 size-4 shrink-0 text-zinc-500" aria-hidden /> Your role ({actor.role?.name}) does not include viewing API keys.
            </p>
          ) : keys.length === 0 ? (
            <div className="rounded-lg border border-dashed border-zinc-300 bg-white px-4 py-8 text-center text-sm text-zinc-600">
              <KeyRound className="mx-auto mb-2 size-5 text-zinc-500" aria-hidden />
              This application has no API keys yet.
              {canCreate ? (
                <>
                  {" "}
                  <Link href="/keys/new" className="font-medium text-accent-700 hover:underline">
                    Create its first key
                  </Link>
                </>
              ) : null}
            </div>
          ) : (
            <Table label="Keys of this application" aria-labelledby="keys-heading">
              <thead>
                <tr>
                  <Th>Alias</Th>
                  <Th>Prefix</Th>
                  <Th>Mode</Th>
                  <Th>Status</Th>
                  <Th>Expires</Th>
                </tr>
              </thead>
              <tbody>
                {keys.map((key) => (
                  <tr key={key.id}>
                    <Td>
                      <Link href={`/keys/${key.id}`} className="font-medium text-zinc-900 hover:text-accent-700 hover:underline">
                        {key.alias}
                      </Link>
                    </Td>
                    <Td className="font-mono text-xs text-zinc-600">{key.prefix}…</Td>
                    <Td>
                      <ModeBadge mode={key.mode} />
                    </Td>
                    <Td>
                      <KeyStatusBadge status={keyStatus(key, now)} />
                    </Td>
                    <Td className="text-zinc-700">
                      <RelativeTime date={key.expiresAt} now={now} expiry />
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </section>
      </PageBody>
    </>
  );
}
