import { Lock, Webhook } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { RelativeTime } from "@/components/keys/relative-time";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { AddWebhookEndpoint } from "@/components/webhooks/add-endpoint";
import { DeliveryStatusBadge, EndpointStatusBadge } from "@/components/webhooks/webhook-badges";
import { requirePageActor } from "@/lib/auth/current";
import { requestContext } from "@/lib/http/request-context";
import { query } from "@/lib/query";
import { WEBHOOK_ENDPOINTS_MAX } from "@/lib/schemas/webhooks";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/event-types";
import { listWebhookEndpoints } from "@/lib/webhooks/list-webhook-endpoints";

export const metadata: Metadata = { title: "Webhooks" };

const DESCRIPTION = "Signed events about keys, members and payments, sent to your own systems as they happen.";

export default async function WebhooksPage() {
  const actor = await requirePageActor({ organisation: true });
  const crumbs = [{ label: actor.org.name }, { label: "Webhooks" }];
  if (!actor.permissions.has("webhooks:manage")) {
    return (
      <>
        <PageHeader crumbs={crumbs} title="Webhooks" description={DESCRIPTION} />
        <PageBody>
          <Notice icon={Lock} title="Only members who manage webhooks see them">
            Your role ({actor.role?.name}) does not include managing webhook endpoints.
          </Notice>
        </PageBody>
      </>
    );
  }
  const endpoints = await query(listWebhookEndpoints, actor, await requestContext());
  const now = new Date();
  const full = endpoints.length >= WEBHOOK_ENDPOINTS_MAX;
  // One instance, always in the header: the one-time secret modal lives in it, and must outlive the
  // refresh that turns the empty state into the list.
  const add = <AddWebhookEndpoint disabledReason={full ? `${WEBHOOK_ENDPOINTS_MAX} endpoints is the most: delete one first` : undefined} />;
  return (
    <>
      <PageHeader crumbs={crumbs} title="Webhooks" description={DESCRIPTION} action={add} />
      <PageBody>
        {endpoints.length === 0 ? (
          <Notice icon={Webhook} title="No webhook endpoints yet">
            Add an endpoint with &ldquo;Add endpoint&rdquo; above and choose its events: each arrives signed, so your systems know it came from us.
          </Notice>
        ) : (
          <>
            <Table label="Webhook endpoints">
              <thead>
                <tr>
                  <Th>Endpoint</Th>
                  <Th>Events</Th>
                  <Th>Status</Th>
                  <Th>Last delivery</Th>
                  <Th>Added</Th>
                </tr>
              </thead>
              <tbody>
                {endpoints.map((e) => (
                  <tr key={e.id} className="relative hover:bg-zinc-50 focus-within:bg-zinc-50">
                    <Td className="max-w-md">
                      <Link
                        href={`/webhooks/${e.id}`}
                        className="block font-mono text-[13px] break-all text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
                      >
                        {e.url}
                      </Link>
                      {e.description ? <span className="mt-0.5 block text-xs text-zinc-600">{e.description}</span> : null}
                    </Td>
                    <Td className="tabular whitespace-nowrap text-zinc-700">
                      {e.eventTypes.length === WEBHOOK_EVENT_TYPES.length ? "All" : e.eventTypes.length} of {WEBHOOK_EVENT_TYPES.length}
                    </Td>
                    <Td>
                      <EndpointStatusBadge endpoint={e} />
                    </Td>
                    <Td className="whitespace-nowrap text-zinc-700">
                      {e.lastDelivery ? (
                        <span className="flex items-center gap-2">
                          <DeliveryStatusBadge status={e.lastDelivery.status} attempts={e.lastDelivery.status === "pending" ? 0 : 1} />
                          <RelativeTime date={e.lastDelivery.at} now={now} />
                        </span>
                      ) : (
                        <span className="text-zinc-600">None yet</span>
                      )}
                    </Td>
                    <Td className="whitespace-nowrap text-zinc-700">
                      <RelativeTime date={e.createdAt} now={now} />
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <p className="text-sm text-zinc-600">
              {endpoints.length} of {WEBHOOK_ENDPOINTS_MAX} endpoints.{" "}
              <Link href="/docs#webhooks" className="font-medium text-accent-700 hover:underline">
                How to verify the signatures
              </Link>
            </p>
          </>
        )}
      </PageBody>
    </>
  );
}
