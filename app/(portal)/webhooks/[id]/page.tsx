import { ChevronLeft, ChevronRight, Inbox, Lock } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { cache } from "react";
import { RelativeTime } from "@/components/keys/relative-time";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { buttonVariants } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { Table, Td, Th } from "@/components/ui/table";
import { DeleteWebhookEndpoint, ResendDelivery, RotateWebhookSecret, SendTestEvent, SetWebhookEndpointStatus } from "@/components/webhooks/endpoint-actions";
import { DeliveryStatusBadge, EndpointStatusBadge, hostOf } from "@/components/webhooks/webhook-badges";
import { pageNotFound, requirePageActor } from "@/lib/auth/current";
import { NotFoundError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { requestContext } from "@/lib/http/request-context";
import { query } from "@/lib/query";
import { cn } from "@/lib/utils";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/event-types";
import { getWebhookEndpoint, type WebhookEndpointView } from "@/lib/webhooks/get-webhook-endpoint";

type Params = Promise<{ id: string }>;
type Search = Promise<{ page?: string | string[] }>;

const pageOf = (raw: string | string[] | undefined) => (typeof raw === "string" && /^\d{1,5}$/.test(raw) && Number(raw) >= 1 ? Number(raw) : 1);

/** One read per request, shared by the tab's title and the page. */
const loadEndpoint = cache(async (id: string, page: number) =>
  query(getWebhookEndpoint, await requirePageActor({ organisation: true }), { endpointId: id, page }, await requestContext()),
);

export async function generateMetadata({ params, searchParams }: { params: Params; searchParams: Search }): Promise<Metadata> {
  const actor = await requirePageActor({ organisation: true });
  if (!actor.permissions.has("webhooks:manage")) return { title: "Webhooks" };
  const [{ id }, { page }] = await Promise.all([params, searchParams]);
  try {
    const view = await loadEndpoint(id, pageOf(page));
    return { title: `${hostOf(view.endpoint.url)} · Webhooks` };
  } catch (error) {
    if (error instanceof NotFoundError) return { title: "Webhooks" };
    throw error;
  }
}

function durationOf(ms: number | null) {
  if (ms === null) return "—";
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export default async function WebhookEndpointPage({ params, searchParams }: { params: Params; searchParams: Search }) {
  const actor = await requirePageActor({ organisation: true });
  const org = actor.org;
  if (!actor.permissions.has("webhooks:manage")) {
    return (
      <>
        <PageHeader crumbs={[{ label: org.name }, { label: "Webhooks", href: "/webhooks" }]} title="Webhook endpoint" description="Where signed events go." />
        <PageBody>
          <Notice icon={Lock} title="Only members who manage webhooks see them">
            Your role ({actor.role?.name}) does not include managing webhook endpoints.
          </Notice>
        </PageBody>
      </>
    );
  }
  const [{ id }, { page: rawPage }] = await Promise.all([params, searchParams]);
  let view: WebhookEndpointView;
  try {
    view = await loadEndpoint(id, pageOf(rawPage));
  } catch (error) {
    // The reader has already audited another organisation's id.
    if (error instanceof NotFoundError) await pageNotFound(actor, { action: "webhook.view", targetType: "webhook_endpoint", targetId: id });
    throw error;
  }
  const { endpoint, deliveries } = view;
  const host = hostOf(endpoint.url);
  const now = new Date();
  const pages = Math.max(1, Math.ceil(deliveries.total / deliveries.pageSize));
  const first = deliveries.total === 0 ? 0 : (deliveries.page - 1) * deliveries.pageSize + 1;
  const last = Math.min(deliveries.total, deliveries.page * deliveries.pageSize);
  const enabled = endpoint.status === "enabled";
  return (
    <>
      <PageHeader
        crumbs={[{ label: org.name }, { label: "Webhooks", href: "/webhooks" }, { label: host }]}
        title={host}
        description={endpoint.description || "A webhook endpoint: where this organisation's signed events go."}
        action={
          <>
            <SendTestEvent endpointId={endpoint.id} disabled={!enabled} />
            <RotateWebhookSecret endpointId={endpoint.id} host={host} />
            <SetWebhookEndpointStatus endpointId={endpoint.id} host={host} status={enabled ? "enabled" : "disabled"} />
            <DeleteWebhookEndpoint endpointId={endpoint.id} host={host} />
          </>
        }
      />
      <PageBody>
        <Card className="p-5">
          <h2 className="sr-only">Endpoint</h2>
          <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-[10rem_minmax(0,1fr)]">
            <dt className="text-zinc-500">URL</dt>
            <dd className="flex min-w-0 items-start gap-2">
              <code className="min-w-0 font-mono text-[13px] break-all text-zinc-900">{endpoint.url}</code>
              <CopyButton value={endpoint.url} label="Copy URL" size="sm" />
            </dd>
            <dt className="text-zinc-500">Status</dt>
            <dd className="flex flex-wrap items-center gap-2 text-zinc-700">
              <EndpointStatusBadge endpoint={endpoint} />
              {endpoint.disabledAt ? (
                <span>
                  since <RelativeTime date={endpoint.disabledAt} now={now} />
                </span>
              ) : endpoint.failingSince ? (
                <span>
                  deliveries failing since <RelativeTime date={endpoint.failingSince} now={now} />; disabled after 3 days
                </span>
              ) : null}
            </dd>
            <dt className="text-zinc-500">Signing secret</dt>
            <dd className="text-zinc-700">
              <code className="font-mono text-[13px] text-zinc-900">whsec_…{endpoint.secretLast4}</code>
              {endpoint.previousSecretUntil ? (
                <span className="mt-1 block text-xs text-amber-800">
                  The previous secret also signs until {formatDateTime(endpoint.previousSecretUntil)} (two signatures are sent).
                </span>
              ) : null}
            </dd>
            <dt className="text-zinc-500">Events</dt>
            <dd>
              {endpoint.eventTypes.length === WEBHOOK_EVENT_TYPES.length ? (
                <p className="mb-1.5 text-zinc-700">All {WEBHOOK_EVENT_TYPES.length} event types</p>
              ) : null}
              <ul aria-label="Event types" className="flex flex-wrap gap-1.5">
                {endpoint.eventTypes.map((t) => (
                  <li key={t} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-800">
                    {t}
                  </li>
                ))}
              </ul>
            </dd>
            <dt className="text-zinc-500">Added</dt>
            <dd className="text-zinc-700">
              <RelativeTime date={endpoint.createdAt} now={now} />
            </dd>
          </dl>
        </Card>

        <div className="space-y-3">
          <div className="flex flex-wrap items-end justify-between gap-2">
            <h2 id="delivery-log" className="text-base font-semibold text-zinc-900">
              Delivery log
            </h2>
            <p className="text-xs text-zinc-600">Retried with backoff for 3 days; every retry carries the same webhook-id.</p>
          </div>
          {deliveries.total === 0 ? (
            <Notice icon={Inbox} title="Nothing sent yet">
              Events this endpoint subscribes to appear here as they are sent. Try &ldquo;Send test event&rdquo; above.
            </Notice>
          ) : (
            <>
              <Table label="Delivery log">
                <thead>
                  <tr>
                    <Th>Time</Th>
                    <Th>Event</Th>
                    <Th>Status</Th>
                    <Th className="text-right">Attempts</Th>
                    <Th className="text-right">Response</Th>
                    <Th className="text-right">Duration</Th>
                    <Th>
                      <span className="sr-only">Actions</span>
                    </Th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.rows.map((d) => (
                    <tr key={d.id} className="hover:bg-zinc-50">
                      <Td className="whitespace-nowrap text-zinc-700">
                        <RelativeTime date={d.lastAttemptAt ?? d.createdAt} now={now} />
                      </Td>
                      <Td>
                        <Link
                          href={`/webhooks/${endpoint.id}/deliveries/${d.id}`}
                          className="font-mono text-xs text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
                        >
                          {d.eventType}
                          <span className="sr-only">, open the attempts</span>
                        </Link>
                      </Td>
                      <Td>
                        <DeliveryStatusBadge status={d.status} attempts={d.attempts} />
                      </Td>
                      <Td className="tabular text-right text-zinc-700">{d.attempts}</Td>
                      <Td className={cn("tabular text-right", d.lastStatusCode !== null && d.lastStatusCode >= 300 ? "text-red-700" : "text-zinc-700")}>
                        {d.lastStatusCode ?? "—"}
                      </Td>
                      <Td className="tabular text-right whitespace-nowrap text-zinc-700">{durationOf(d.lastDurationMs)}</Td>
                      <Td className="text-right">{enabled && d.status !== "pending" ? <ResendDelivery deliveryId={d.id} /> : null}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              <nav aria-label="Delivery log pages" className="flex flex-wrap items-center justify-between gap-2 text-sm text-zinc-600">
                <span className="tabular">
                  {first}–{last} of {deliveries.total}
                </span>
                <span className="flex gap-2">
                  {deliveries.page > 1 ? (
                    <Link className={buttonVariants({ variant: "secondary", size: "sm" })} href={`/webhooks/${endpoint.id}?page=${deliveries.page - 1}`}>
                      <ChevronLeft aria-hidden /> Newer
                    </Link>
                  ) : null}
                  {deliveries.page < pages ? (
                    <Link className={buttonVariants({ variant: "secondary", size: "sm" })} href={`/webhooks/${endpoint.id}?page=${deliveries.page + 1}`}>
                      Older <ChevronRight aria-hidden />
                    </Link>
                  ) : null}
                </span>
              </nav>
            </>
          )}
        </div>
      </PageBody>
    </>
  );
}
