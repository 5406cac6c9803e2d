import { CircleAlert, Hourglass, KeyRound, Plus, ShieldAlert, Snowflake } from "lucide-react";
import Link from "next/link";
import { KeyGrants, KeyStatusBadge, ModeBadge } from "@/components/keys/key-badges";
import { KeyRowLink } from "@/components/keys/key-row-link";
import { KeysToolbar } from "@/components/keys/keys-toolbar";
import { RelativeTime } from "@/components/keys/relative-time";
import { RenewAllButton } from "@/components/keys/renew-all-button";
import { RenewKeyButton } from "@/components/keys/renew-key-button";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader, type Crumb } from "@/components/shell/page-header";
import { Button } from "@/components/ui/button";
import { Table, Th } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/current";
import { query } from "@/lib/query";
import { maskedNumber } from "@/lib/format";
import { keyCountAnnouncement, keyCountLabel, listKeys, listKeysQuerySchema, pageCountLabel } from "@/lib/keys/list-keys";
import { keyManagementBlockers } from "@/lib/organisations/onboarding";
import { API_PRODUCT_LABELS } from "@/lib/permissions";

/** A long place shortened for a table cell; the key's page shows it whole. */
function shortened(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The organisation's API keys: the list, its filters and the expiry banner. Served at /keys and,
 * where the product dashboard puts it, at Settings › Developer › API keys — each with its own
 * breadcrumb and its filters kept on its own path.
 */
export async function KeysList({ searchParams, crumbs, basePath }: { searchParams: SearchParams; crumbs: (orgName: string) => Crumb[]; basePath: string }) {
  const actor = await requirePageActor({ organisation: true });
  const org = actor.org;
  const blockers = keyManagementBlockers(org);
  const canCreate = actor.permissions.has("keys:create");
  const canRenew = actor.permissions.has("keys:renew");
  const header = (
    <PageHeader
      crumbs={crumbs(org.name)}
      title="API keys"
      description="Keys let your own software call the bank's API for the accounts and permissions you choose."
      action={
        blockers.length === 0 && actor.permissions.has("keys:view") ? (
          canCreate ? (
            <Button asChild>
              <Link href="/keys/new">
                <Plus aria-hidden /> Create key
              </Link>
            </Button>
          ) : (
            <span className="inline-flex flex-col items-start gap-1 sm:items-end">
              <Button disabled aria-describedby="create-key-why">
                <Plus aria-hidden /> Create key
              </Button>
              <span id="create-key-why" className="text-xs text-zinc-500">
                Your role ({actor.role?.name}) cannot create keys.
              </span>
            </span>
          )
        ) : undefined
      }
    />
  );

  if (blockers.length > 0) {
    return (
      <>
        {header}
        <PageBody>
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
        </PageBody>
      </>
    );
  }
  if (!actor.permissions.has("keys:view")) {
    return (
      <>
        {header}
        <PageBody>
          <Notice icon={KeyRound} title="You can't see this organisation's keys">
            Your role ({actor.role?.name}) does not include viewing API keys. Ask a Superadmin or Admin for access.
          </Notice>
        </PageBody>
      </>
    );
  }

  const filters = listKeysQuerySchema.parse(Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])));
  const now = new Date();
  const result = await query(listKeys, actor, filters, now);
  const filtered = Boolean(filters.q || filters.status || filters.mode || filters.app || filters.product);
  const pageHref = (page: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v !== undefined && k !== "page") params.set(k, String(v));
    params.set("page", String(page));
    return `${basePath}?${params.toString()}`;
  };
  const attention = result.frozen + result.expiring;

  return (
    <>
      {header}
      <PageBody>
        {attention > 0 ? (
          <div
            role="status"
            aria-label="Keys to renew"
            className="flex flex-wrap items-center gap-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
          >
            {result.frozen ? <Snowflake className="size-4 shrink-0" aria-hidden /> : <CircleAlert className="size-4 shrink-0" aria-hidden />}
            <p className="min-w-64 flex-1">
              {result.frozen > 0 ? `${result.frozen} ${result.frozen === 1 ? "key is" : "keys are"} frozen and refused by the API. ` : ""}
              {result.expiring > 0 ? `${result.expiring} ${result.expiring === 1 ? "key freezes" : "keys freeze"} within 14 days. ` : ""}
              {canRenew ? "Renew them to keep your integrations running." : "Ask a member who may renew keys to renew them."}
            </p>
            <span className="flex items-center gap-3">
              <Link href={`${basePath}?status=${result.frozen ? "frozen" : "expiring"}`} className="font-medium whitespace-nowrap underline underline-offset-2">
                Show them
              </Link>
              {canRenew && result.dueIds.length > 0 ? <RenewAllButton keyIds={result.dueIds} aliases={result.dueAliases} frozen={result.frozen} /> : null}
            </span>
          </div>
        ) : null}

        {result.leaked > 0 ? (
          <div
            role="status"
            aria-label="Leaked keys"
            className="flex flex-wrap items-center gap-3 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900"
          >
            <ShieldAlert className="size-4 shrink-0" aria-hidden />
            <p className="min-w-64 flex-1">
              {result.leaked} {result.leaked === 1 ? "key was" : "keys were"} found in public and {result.leaked === 1 ? "is" : "are"} refused by the API.
              Regenerate or delete {result.leaked === 1 ? "it" : "them"}.
            </p>
            <Link href={`${basePath}?status=leaked`} className="font-medium whitespace-nowrap underline underline-offset-2">
              Show {result.leaked === 1 ? "it" : "them"}
            </Link>
          </div>
        ) : null}

        {result.pendingApproval > 0 ? (
          <p className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-700">
            <Hourglass className="size-4 shrink-0 text-amber-700" aria-hidden />
            <span className="min-w-48 flex-1">
              {result.pendingApproval} {result.pendingApproval === 1 ? "key waits" : "keys wait"} for a second member&apos;s approval.
            </span>
            <Link href="/keys/approvals" className="font-medium whitespace-nowrap text-accent-700 underline underline-offset-2">
              Key approvals
            </Link>
          </p>
        ) : null}

        <KeysToolbar
          applications={result.applications}
          products={org.products.map((p) => ({ id: p, name: API_PRODUCT_LABELS[p] }))}
          resultAnnouncement={keyCountAnnouncement(result, filtered)}
        />

        {result.total === 0 ? (
          <Notice icon={KeyRound} title={filtered ? "No keys match these filters" : "No API keys yet"}>
            {filtered ? (
              <Link href={basePath} className="font-medium text-accent-700 hover:underline">
                Clear the filters
              </Link>
            ) : canCreate ? (
              <>
                Create a key to let your software read balances, fetch transactions or make payments.
                <div className="mt-4">
                  <Button asChild>
                    <Link href="/keys/new">
                      <Plus aria-hidden /> Create key
                    </Link>
                  </Button>
                </div>
              </>
            ) : (
              "When an admin creates a key, it appears here."
            )}
          </Notice>
        ) : (
          <>
            <Table label="API keys" className="key-table">
              <thead>
                <tr>
                  <Th>Key</Th>
                  <Th>Mode</Th>
                  <Th>Product and access</Th>
                  <Th>Accounts</Th>
                  <Th>Status</Th>
                  <Th>Expires</Th>
                  <Th>Last used</Th>
                  <Th>Created by</Th>
                </tr>
              </thead>
              <tbody>
                {result.keys.map((key) => (
                  <KeyRowLink key={key.id} href={`/keys/${key.id}`}>
                    <td data-cell="key">
                      <Link href={`/keys/${key.id}`} className="font-medium text-zinc-900 hover:text-accent-700 hover:underline">
                        {key.alias}
                      </Link>
                      <span className="block font-mono text-xs text-zinc-600">{key.prefix}…</span>
                      <span className="block text-xs text-zinc-500">{key.applicationName}</span>
                      {key.status === "leaked" ? (
                        <span className="mt-1 block max-w-64 text-xs break-words whitespace-normal text-red-700" data-testid="leak-reason">
                          Found in public
                          {key.leakUrl ? (
                            <>
                              {" "}
                              at <span className="[overflow-wrap:anywhere]">{shortened(key.leakUrl)}</span>
                            </>
                          ) : null}
                        </span>
                      ) : null}
                    </td>
                    <td data-cell="mode">
                      <ModeBadge mode={key.mode} />
                    </td>
                    <td data-cell="access" data-label="Product and access">
                      <KeyGrants permissions={key.permissions} compact />
                    </td>
                    <td data-cell="accounts" data-label="Accounts">
                      {key.companies.length ? (
                        <span className="block truncate text-zinc-800" title={key.companies.join(", ")}>
                          {key.companies.join(", ")}
                        </span>
                      ) : null}
                      <span className="flex flex-wrap gap-x-2 font-mono text-xs">
                        {key.accounts.map((a) => (
                          <span key={a.id} className="whitespace-nowrap">
                            {a.currency} {maskedNumber(a.number)}
                          </span>
                        ))}
                      </span>
                    </td>
                    <td data-cell="status">
                      <KeyStatusBadge status={key.status} pendingApproval={key.pendingApprovalSince !== null} />
                    </td>
                    <td data-cell="expires" data-label="Expires">
                      <RelativeTime date={key.expiresAt} now={now} expiry />
                      {canRenew && (key.status === "expiring" || key.status === "frozen") ? (
                        <span className="mt-1.5 block">
                          <RenewKeyButton keyId={key.id} alias={key.alias} frozen={key.status === "frozen"} />
                        </span>
                      ) : null}
                    </td>
                    <td data-cell="last-used" data-label="Last used">
                      <RelativeTime date={key.lastUsedAt} now={now} />
                    </td>
                    <td data-cell="created-by" data-label="Created by">
                      {key.createdByName}
                    </td>
                  </KeyRowLink>
                ))}
              </tbody>
            </Table>
            <nav aria-label="Pagination" className="flex items-center justify-between text-sm text-zinc-600">
              <p>
                {keyCountLabel(result)} {result.total === 1 && !result.totalBounded ? "key" : "keys"}
                {result.pageCount > 1 ? ` · page ${result.page} of ${pageCountLabel(result)}` : ""}
              </p>
              {result.pageCount > 1 ? (
                <div className="flex gap-2">
                  {result.page > 1 ? (
                    <Button asChild variant="secondary" size="sm">
                      <Link href={pageHref(result.page - 1)}>Previous</Link>
                    </Button>
                  ) : null}
                  {result.page < result.pageCount ? (
                    <Button asChild variant="secondary" size="sm">
                      <Link href={pageHref(result.page + 1)}>Next</Link>
                    </Button>
                  ) : null}
                </div>
              ) : null}
            </nav>
          </>
        )}
      </PageBody>
    </>
  );
}
