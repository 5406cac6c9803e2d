import { Download, Loader2, Lock, ShieldAlert, ShieldCheck } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { AuditTable } from "@/components/audit/audit-table";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { buttonVariants } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { Input, Select } from "@/components/ui/input";
import { AUDIT_ACTION_LABELS } from "@/lib/audit/action-labels";
import { DAY_FORMAT_HINT, formatDay } from "@/lib/audit/audit-filters";
import { searchAuditEvents } from "@/lib/audit/list-events";
import { chainStatusText, verifyOrganisationChain } from "@/lib/audit/verify-chain";
import type { MemberActor } from "@/lib/auth/actor";
import { requirePageActor } from "@/lib/auth/current";
import { query } from "@/lib/query";
import { DomainError } from "@/lib/errors";

export const metadata: Metadata = { title: "Audit log" };

type Query = Record<string, string | string[] | undefined>;

function queryString(values: Record<string, string | number | undefined>) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== "") params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : "";
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Query> }) {
  const actor = await requirePageActor({ organisation: true });
  const allowed = actor.permissions.has("audit:view");
  const raw = Object.fromEntries(
    Object.entries(await searchParams)
      .map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])
      .filter(([, v]) => v !== undefined && v !== ""),
  );
  let result: Awaited<ReturnType<typeof searchAuditEvents>> | null = null;
  let invalid: DomainError | null = null;
  if (allowed) {
    try {
      result = await query(searchAuditEvents, actor, raw);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      invalid = error;
    }
  }
  const shown = (key: "from" | "to") => {
    const parsed = result?.filters[key];
    return parsed ? formatDay(parsed) : (raw[key] ?? "");
  };
  const f = { actor: raw.actor ?? "", action: raw.action ?? "", target: raw.target ?? "", from: shown("from"), to: shown("to") };
  const filtered = Object.values(f).some(Boolean);
  return (
    <>
      <PageHeader
        crumbs={[{ label: actor.org.name }, { label: "Audit log" }]}
        title="Audit log"
        description="Who did what, when and from where. Entries can never be changed or removed."
        action={
          allowed ? (
            <a href={`/audit/export${queryString(f)}`} className={buttonVariants({ variant: "secondary" })} download>
              <Download aria-hidden /> Export CSV
            </a>
          ) : undefined
        }
      />
      <PageBody>
        {!allowed ? (
          <Notice icon={Lock} title="You can't see the audit log">
            Your role ({actor.role?.name}) does not include the audit log.
          </Notice>
        ) : (
          <>
            {/* The whole chain is walked; the entries need not wait for it. */}
            <Suspense
              fallback={
                <p className="flex items-center gap-1.5 text-sm text-zinc-500">
                  <Loader2 className="size-4 shrink-0 animate-spin motion-reduce:animate-none" aria-hidden /> Verifying the chain…
                </p>
              }
            >
              <ChainStatus actor={actor} />
            </Suspense>
            {/* One field a row on a phone, two from 640 px, three from 1024 px, all in one row from 1280 px. */}
            <search aria-label="Filter the audit log">
              <form
                method="get"
                action="/audit"
                className="grid grid-cols-1 gap-3 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-2 sm:items-start lg:grid-cols-3 xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,1fr)_9.5rem_9.5rem_auto]"
              >
                <Field id="filter-actor" label="Who" error={invalid?.fieldErrors?.actor}>
                  <Input id="filter-actor" name="actor" defaultValue={f.actor} placeholder="Email, key alias or prefix" />
                </Field>
                <Field id="filter-action" label="Action" error={invalid?.fieldErrors?.action}>
                  <Select id="filter-action" name="action" defaultValue={f.action}>
                    <option value="">Any action</option>
                    {Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </Select>
                </Field>
                <Field id="filter-target" label="Target" error={invalid?.fieldErrors?.target}>
                  <Input id="filter-target" name="target" defaultValue={f.target} placeholder="Key alias, prefix or id" />
                </Field>
                <DayField id="filter-from" name="from" label="From" value={f.from} error={invalid?.fieldErrors?.from} />
                <DayField id="filter-to" name="to" label="To" value={f.to} error={invalid?.fieldErrors?.to} />
                <div className="flex flex-wrap gap-2 sm:mt-[1.625rem]">
                  <button type="submit" className={buttonVariants({ variant: "primary" })}>
                    Filter
                  </button>
                  {filtered ? (
                    <Link href="/audit" className={buttonVariants({ variant: "ghost" })}>
                      Clear
                    </Link>
                  ) : null}
                </div>
              </form>
            </search>
            {invalid ? <FormAlert message={invalid.message} /> : null}
            {result ? (
              <>
                {result.events.length ? (
                  <AuditTable events={result.events} label="Audit events" showTarget />
                ) : (
                  <p className="rounded-lg border border-dashed border-zinc-300 bg-white px-4 py-8 text-center text-sm text-zinc-600">
                    {result.page > 1 ? (
                      <>
                        No entries this far back.{" "}
                        <Link className="font-medium text-accent-700 hover:underline" href={`/audit${queryString({ ...f, page: 1 })}`}>
                          Back to the newest
                        </Link>
                      </>
                    ) : filtered ? (
                      "No entry matches these filters."
                    ) : (
                      "Nothing has been recorded yet."
                    )}
                  </p>
                )}
                <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-2 text-sm text-zinc-600">
                  <span>Page {result.page}</span>
                  <span className="flex gap-2">
                    {result.page > 1 ? (
                      <Link className={buttonVariants({ variant: "secondary", size: "sm" })} href={`/audit${queryString({ ...f, page: result.page - 1 })}`}>
                        Newer
                      </Link>
                    ) : null}
                    {result.hasNext ? (
                      <Link className={buttonVariants({ variant: "secondary", size: "sm" })} href={`/audit${queryString({ ...f, page: result.page + 1 })}`}>
                        Older
                      </Link>
                    ) : null}
                  </span>
                </nav>
              </>
            ) : null}
          </>
        )}
      </PageBody>
    </>
  );
}

/**
 * Whether the organisation's audit chain verifies: each entry's hash covers its content and the hash
 * before it, so a changed, removed or inserted entry shows here (and in `npm run audit:verify`).
 */
async function ChainStatus({ actor }: { actor: MemberActor }) {
  const status = await query(verifyOrganisationChain, actor);
  const text = chainStatusText(status);
  return status.firstBreak ? (
    <p className="flex items-start gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm break-words text-red-800">
      <ShieldAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
      <span className="min-w-0">{text}</span>
    </p>
  ) : (
    <p className="flex flex-wrap items-center gap-x-1.5 gap-y-0.5 text-sm">
      <ShieldCheck className="size-4 shrink-0 text-emerald-800" aria-hidden />
      <span className="tabular font-medium text-emerald-800">{text}</span>
      {/* The count is the organisation's own chain; sign-ins come before an organisation is chosen. */}
      <span className="text-zinc-600">(this organisation's changes; sign-ins are chained with the bank's own events)</span>
    </p>
  );
}

/**
 * A day typed as the product's locale writes it (en-ZA: day first). A text field rather than the
 * browser's date input, whose format follows the browser's language and could read month first.
 */
function DayField({ id, name, label, value, error }: { id: string; name: string; label: string; value: string; error?: string }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        {label} <span className="font-normal text-zinc-500">({DAY_FORMAT_HINT})</span>
      </label>
      <Input
        id={id}
        name={name}
        defaultValue={value}
        placeholder={DAY_FORMAT_HINT}
        inputMode="numeric"
        autoComplete="off"
        maxLength={32}
        className="tabular"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
