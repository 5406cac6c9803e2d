import { Copy, Lock, ShieldAlert } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { cache } from "react";
import { EndpointSample } from "@/components/api/endpoint-sample";
import { AuditTable } from "@/components/audit/audit-table";
import { KeyActions } from "@/components/keys/key-actions";
import { ChangeAllowlist, ChangeLimits, StopOldSecret } from "@/components/keys/key-guardrails";
import { movesMoney } from "@/lib/key-grants";
import { describeLimits } from "@/lib/schemas/key-limits";
import { KeyApprovalNotice } from "@/components/keys/key-approval-notice";
import { KeyReplacedNotice } from "@/components/keys/key-replaced-notice";
import { describeAllowlist } from "@/lib/schemas/ip-allowlist";
import { KeyGrants, KeyStatusBadge, ModeBadge } from "@/components/keys/key-badges";
import { KeyUsage } from "@/components/keys/key-usage";
import { PermissionMatrix } from "@/components/keys/permission-matrix";
import { RelativeTime } from "@/components/keys/relative-time";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { endpointsOpenedBy } from "@/lib/api/endpoints";
import { pageNotFound, requirePageActor } from "@/lib/auth/current";
import { query } from "@/lib/query";
import { NotFoundError } from "@/lib/errors";
import { formatDateTime, formatMoney, maskedNumber } from "@/lib/format";
import { requestOrigin } from "@/lib/http/request-context";
import { PRESET_LABELS, presetOf } from "@/lib/key-permissions";
import { daysLeft } from "@/lib/key-status";
import { getKey, type KeyDetail } from "@/lib/keys/get-key";
import { getKeyUsage } from "@/lib/keys/get-key-usage";
import { keyReplacement } from "@/lib/keys/describe-narrower-renewal";

type Params = Promise<{ id: string }>;

/** One read of the key per request, shared by the page's title and the page. */
const loadKey = cache(async (id: string) => query(getKey, await requirePageActor({ organisation: true }), id));

/** The tab names the key: "ERP sync · API keys · Latchkey". */
export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const actor = await requirePageActor({ organisation: true });
  if (!actor.permissions.has("keys:view")) return { title: "API keys" };
  const { id } = await params;
  try {
    const key = await loadKey(id);
    return { title: `${key.alias} · API keys` };
  } catch (error) {
    // The page answers "not found" (and records the attempt); the title only stays generic.
    if (error instanceof NotFoundError) return { title: "API keys" };
    throw error;
  }
}

export default async function KeyPage({ params }: { params: Params }) {
  const actor = await requirePageActor({ organisation: true });
  const org = actor.org;
  if (!actor.permissions.has("keys:view")) {
    return (
      <PageBody>
        <Notice icon={Lock} title="You can't see this organisation's keys">
          Your role ({actor.role?.name}) does not include viewing API keys.
        </Notice>
      </PageBody>
    );
  }
  const { id } = await params;
  let key: KeyDetail;
  try {
    key = await loadKey(id);
  } catch (error) {
    if (error instanceof NotFoundError) await pageNotFound(actor, { action: "key.view", targetType: "api_key", targetId: id });
    throw error;
  }
  const now = new Date();
  // The key's usage, and which key replaces it while a narrower renewal's overlap runs.
  const [usage, replacement] = await Promise.all([query(getKeyUsage, actor, key.id, now), query(keyReplacement, actor, key.id, now)]);
  const left = daysLeft(key.expiresAt, now);
  const origin = await requestOrigin();
  const currencies = [...new Set(key.accounts.map((a) => a.currency))];
  const limitCurrency = currencies.length === 1 ? currencies[0]! : null;
  return (
    <>
      <PageHeader
        crumbs={[{ label: org.name }, { label: "API keys", href: "/keys" }, { label: key.alias }]}
        title={key.alias}
        description={key.description || `A ${key.mode} key of ${key.applicationName}.`}
        action={
          <KeyActions
            keyId={key.id}
            alias={key.alias}
            prefix={key.prefix}
            applicationName={key.applicationName}
            frozen={key.status === "frozen"}
            due={key.status === "frozen" || key.status === "expiring"}
            leaked={key.leak !== null}
            replaced={key.retiresAt !== null}
            roleName={actor.role?.name ?? ""}
            can={{
              renew: actor.permissions.has("keys:renew"),
              regenerate: actor.permissions.has("keys:create"),
              delete: actor.permissions.has("keys:delete"),
            }}
          />
        }
      />
      <PageBody>
        {replacement ? <KeyReplacedNotice replacement={replacement} now={now} /> : null}
        {key.approval ? (
          <KeyApprovalNotice
            keyId={key.id}
            alias={key.alias}
            since={key.approval.since}
            madeByYou={key.approval.madeByYou}
            canApprove={actor.permissions.has("keys:approve")}
          />
        ) : null}
        {key.leak ? <LeakNotice leak={key.leak} /> : null}
        {key.status === "frozen" || key.status === "expiring" ? (
          <div role="status" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
            {key.status === "frozen"
              ? "This key is frozen: the API refuses it. Renew it to make it work again for 90 days."
              : `This key freezes in ${left} ${left === 1 ? "day" : "days"}. Renew it to keep your integration running.`}
          </div>
        ) : null}
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_340px]">
          <Card className="min-w-0 p-5">
            <h2 className="text-sm font-semibold text-zinc-900">Key</h2>
            <dl className="mt-4 grid grid-cols-1 gap-y-1 text-sm sm:grid-cols-[9rem_minmax(0,1fr)] sm:gap-y-3 [&>dd]:mb-2 sm:[&>dd]:mb-0 [&>dd]:min-w-0">
              <dt className="text-zinc-500">Status</dt>
              <dd>
                <KeyStatusBadge status={key.status} pendingApproval={key.approval !== null} />
              </dd>
              <dt className="text-zinc-500">Key</dt>
              <dd className="font-mono text-xs break-words text-zinc-800">
                {key.prefix}… <span className="font-sans text-zinc-500">(the full key was shown once)</span>
                <ThirdPartyWarning id="key-warning" />
              </dd>
              {key.previousSecret ? (
                <>
                  <dt className="text-zinc-500">Old secret</dt>
                  <dd data-testid="old-secret">
                    <span className="font-mono text-xs text-zinc-800">{key.previousSecret.prefix}…</span> keeps working until{" "}
                    {formatDateTime(key.previousSecret.worksUntil)}{" "}
                    <span className="text-zinc-500">
                      (<RelativeTime date={key.previousSecret.worksUntil} now={now} expiry />)
                    </span>
                    <span className="block text-zinc-600">
                      Last used: <RelativeTime date={key.previousSecret.lastUsedAt} now={now} />
                    </span>
                    {actor.permissions.has("keys:create") ? (
                      <span className="mt-1.5 block">
                        <StopOldSecret
                          keyId={key.id}
                          alias={key.alias}
                          previousPrefix={key.previousSecret.prefix}
                          until={key.previousSecret.worksUntil.toISOString()}
                        />
                      </span>
                    ) : null}
                  </dd>
                </>
              ) : null}
              <dt className="text-zinc-500">Used from</dt>
              <dd className="flex flex-wrap items-center gap-x-2 gap-y-1 break-words" data-testid="key-allowlist">
                <span>{describeAllowlist(key.allowedIps)}</span>
                {actor.permissions.has("keys:create") ? <ChangeAllowlist keyId={key.id} alias={key.alias} allowedIps={key.allowedIps} /> : null}
              </dd>
              {movesMoney(key.permissions) ? (
                <>
                  <dt className="text-zinc-500">Payment limits</dt>
                  <dd data-testid="key-limits">
                    <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
                      <span>{describeLimits(key.limits, limitCurrency)}</span>
                      {actor.permissions.has("keys:create") ? (
                        <ChangeLimits
                          keyId={key.id}
                          alias={key.alias}
                          currency={limitCurrency}
                          maxPerPayment={key.limits.maxPerPayment?.toString() ?? null}
                          maxPerDay={key.limits.maxPerDay?.toString() ?? null}
                        />
                      ) : null}
                    </span>
                    {key.limits.maxPerDay !== null ? (
                      <span className="block text-zinc-600" data-testid="key-limits-today">
                        Today (UTC):{" "}
                        {key.limits.usedToday.length
                          ? key.limits.usedToday
                              .map((u) => `${formatMoney(u.used, u.currency)} of ${formatMoney(key.limits.maxPerDay!, u.currency)} used`)
                              .join(" · ")
                          : "nothing moved yet"}
                      </span>
                    ) : null}
                  </dd>
                </>
              ) : null}
              <dt className="text-zinc-500">Mode</dt>
              <dd>
                <ModeBadge mode={key.mode} />
              </dd>
              <dt className="text-zinc-500">Application</dt>
              <dd className="break-words">{key.applicationName}</dd>
              <dt className="text-zinc-500">Expires</dt>
              <dd>
                <RelativeTime date={key.expiresAt} now={now} expiry /> <span className="text-zinc-500">· {formatDateTime(key.expiresAt)}</span>
              </dd>
              <dt className="text-zinc-500">Last used</dt>
              <dd>
                <RelativeTime date={key.lastUsedAt} now={now} />
              </dd>
              <dt className="text-zinc-500">Created</dt>
              <dd>
                {formatDateTime(key.createdAt)} by {key.createdByName}
              </dd>
              {key.renewedAt ? (
                <>
                  <dt className="text-zinc-500">Last renewed</dt>
                  <dd>{formatDateTime(key.renewedAt)}</dd>
                </>
              ) : null}
            </dl>
          </Card>
          <Card className="min-w-0 p-5">
            <h2 className="text-sm font-semibold text-zinc-900">Accounts it can reach</h2>
            {key.companies.length ? <p className="mt-1 text-sm text-zinc-600">{key.companies.join(", ")}</p> : null}
            <ul className="mt-3 space-y-2 text-sm">
              {key.accounts.map((a) => (
                <li key={a.id} className="flex flex-wrap items-center justify-between gap-x-2 gap-y-1 rounded-md border border-zinc-200 px-3 py-2">
                  <span className="min-w-0 break-words">
                    {a.name}
                    {a.companyName ? <span className="block text-xs text-zinc-500">{a.companyName}</span> : null}
                  </span>
                  <span className="font-mono text-xs whitespace-nowrap text-zinc-600">
                    {a.currency} {maskedNumber(a.number)}
                  </span>
                </li>
              ))}
            </ul>
          </Card>
        </div>

        <Card className="p-5">
          <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
            <div className="min-w-0 flex-1 basis-64">
              <h2 className="text-sm font-semibold text-zinc-900">
                Permissions <Badge className="ml-1">{PRESET_LABELS[presetOf(key.permissions, org.products)]}</Badge>
              </h2>
              <p className="mt-1 text-sm text-zinc-600">Fixed when the key was created. To change them, create a new key.</p>
              <div className="mt-3">
                <KeyGrants permissions={key.permissions} />
              </div>
            </div>
            {actor.permissions.has("keys:create") ? (
              <Link href={`/keys/new?like=${key.id}`} className="inline-flex items-center gap-1.5 text-sm font-medium text-accent-700 hover:underline">
                <Copy className="size-4" aria-hidden /> Create a key like this
              </Link>
            ) : null}
          </div>
          <div className="mt-4">
            <PermissionMatrix products={org.products} value={key.permissions} readOnly />
          </div>
        </Card>

        <KeyUsage usage={usage} now={now} />

        <section aria-labelledby="samples">
          <h2 id="samples" className="text-sm font-semibold text-zinc-900">
            Request and response samples
          </h2>
          <p className="mt-1 mb-3 text-sm text-zinc-600">The endpoints this key may call, with its own accounts filled in.</p>
          <div className="space-y-2">
            {endpointsOpenedBy(key.permissions).map((endpoint) => (
              <EndpointSample
                key={`${endpoint.method} ${endpoint.path}`}
                endpoint={endpoint}
                values={{ origin, prefix: key.prefix, accountId: key.accounts[0]?.id, toAccountId: key.accounts[1]?.id, cardId: key.cards[0]?.id }}
              />
            ))}
          </div>
        </section>

        <section aria-labelledby="trail">
          <h2 id="trail" className="mb-3 text-sm font-semibold text-zinc-900">
            Audit trail
          </h2>
          {key.trail.length === 0 ? (
            <p className="text-sm text-zinc-500">Nothing has happened to this key in the portal yet.</p>
          ) : (
            <AuditTable events={key.trail} label="This key's audit trail" />
          )}
        </section>
      </PageBody>
    </>
  );
}

/**
 * Where and when the key was found in public. The place is shown as text, never as a link: it comes
 * from the reporter, and the page must not send anyone to it with a click.
 */
function LeakNotice({ leak }: { leak: NonNullable<KeyDetail["leak"]> }) {
  const by = leak.reportedByName ? `reported by ${leak.reportedByName}` : "reported by a secret-scanning partner";
  return (
    <div role="alert" data-testid="leak-notice" className="flex items-start gap-3 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
      <ShieldAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
      <div className="min-w-0">
        <p className="font-semibold">This key was found in public and is frozen.</p>
        <p className="mt-1">
          Found on {formatDateTime(leak.at)}
          {leak.url ? (
            <>
              {" "}
              at <span className="font-mono text-xs [overflow-wrap:anywhere]">{leak.url}</span>
            </>
          ) : null}{" "}
          ({leak.source ? `${leak.source}, ` : ""}
          {by}). The API refuses it. Regenerate it to get a new secret, or delete it; it cannot be renewed.
        </p>
      </div>
    </div>
  );
}

/** Seed 002's warning, where the key and its samples are shown. */
function ThirdPartyWarning({ id }: { id: string }) {
  return (
    <p id={id} className="mt-2 flex items-start gap-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 font-sans text-sm text-amber-900">
      <ShieldAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
      <span>
        <strong className="font-semibold">Never give a key to a third party.</strong> Anyone holding it can act as your organisation.
      </span>
    </p>
  );
}
