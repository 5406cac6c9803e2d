import { Lock } from "lucide-react";
import type { Metadata } from "next";
import { RelativeTime } from "@/components/keys/relative-time";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Card } from "@/components/ui/card";
import { ResendDelivery } from "@/components/webhooks/endpoint-actions";
import { DeliveryStatusBadge } from "@/components/webhooks/webhook-badges";
import { pageNotFound, requirePageActor } from "@/lib/auth/current";
import { NotFoundError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { requestContext } from "@/lib/http/request-context";
import { query } from "@/lib/query";
import { getWebhookDelivery, type WebhookDeliveryView } from "@/lib/webhooks/get-webhook-delivery";

export const metadata: Metadata = { title: "Delivery · Webhooks" };

type Params = Promise<{ id: string; deliveryId: string }>;

function Block({ label, children }: { label: string; children: string }) {
  return (
    <div className="min-w-0">
      <h4 className="text-xs font-medium text-zinc-500">{label}</h4>
      <pre className="mt-1 max-h-72 overflow-auto rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs break-all whitespace-pre-wrap text-zinc-900">
        {children}
      </pre>
    </div>
  );
}

function pretty(body: string) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export default async function WebhookDeliveryPage({ params }: { params: Params }) {
  const actor = await requirePageActor({ organisation: true });
  const org = actor.org;
  const crumbs = [{ label: org.name }, { label: "Webhooks", href: "/webhooks" }];
  if (!actor.permissions.has("webhooks:manage")) {
    return (
      <>
        <PageHeader crumbs={crumbs} title="Delivery" description="One event sent to one endpoint." />
        <PageBody>
          <Notice icon={Lock} title="Only members who manage webhooks see them">
            Your role ({actor.role?.name}) does not include managing webhook endpoints.
          </Notice>
        </PageBody>
      </>
    );
  }
  const { id, deliveryId } = await params;
  let view: WebhookDeliveryView;
  try {
    view = await query(getWebhookDelivery, actor, { deliveryId }, await requestContext());
    if (view.endpointId !== id) throw new NotFoundError("That delivery");
  } catch (error) {
    if (error instanceof NotFoundError) await pageNotFound(actor, { action: "webhook.view", targetType: "webhook_delivery", targetId: deliveryId });
    throw error;
  }
  const now = new Date();
  return (
    <>
      <PageHeader
        crumbs={[...crumbs, { label: "Endpoint", href: `/webhooks/${id}` }, { label: view.event.type }]}
        title={view.event.type}
        description={`Event ${view.event.id} (its webhook-id), from ${formatDateTime(view.event.occurredAt)}.`}
        action={view.status !== "pending" ? <ResendDelivery deliveryId={view.id} /> : undefined}
      />
      <PageBody>
        <Card className="flex flex-wrap items-center gap-x-6 gap-y-2 p-5 text-sm text-zinc-700">
          <DeliveryStatusBadge status={view.status} attempts={view.attempts} />
          <span className="tabular">
            {view.attempts} {view.attempts === 1 ? "attempt" : "attempts"}
          </span>
          {view.deliveredAt ? (
            <span>
              Delivered <RelativeTime date={view.deliveredAt} now={now} />
            </span>
          ) : view.status === "pending" ? (
            <span>
              Next attempt <RelativeTime date={view.nextAttemptAt} now={now} />
            </span>
          ) : null}
        </Card>
        <section aria-labelledby="attempts" className="space-y-3">
          <h2 id="attempts" className="text-base font-semibold text-zinc-900">
            Attempts
          </h2>
          {view.attemptLog.length === 0 ? (
            <p className="text-sm text-zinc-600">Not attempted yet: the jobs runner sends it shortly.</p>
          ) : (
            <ol className="space-y-3">
              {view.attemptLog.map((a, i) => (
                <li key={a.id}>
                  <Card className="space-y-4 p-5">
                    <h3 className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm font-medium text-zinc-900">
                      <span>Attempt {i + 1}</span>
                      <span className="font-normal text-zinc-600">
                        <RelativeTime date={a.attemptedAt} now={now} />
                      </span>
                      <span className={a.statusCode !== null && a.statusCode < 300 ? "text-emerald-800" : "text-red-700"}>
                        {a.statusCode !== null ? `HTTP ${a.statusCode}` : (a.error ?? "No response")}
                      </span>
                      <span className="tabular font-normal text-zinc-600">{a.durationMs} ms</span>
                    </h3>
                    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
                      <Block label="Request headers">
                        {Object.entries(a.requestHeaders)
                          .map(([k, v]) => `${k}: ${v}`)
                          .join("\n")}
                      </Block>
                      <Block label="Request body">{pretty(a.requestBody)}</Block>
                      {a.statusCode !== null ? <Block label="Response body (first 4 kB)">{a.responseBody || "(empty)"}</Block> : null}
                      {a.error ? <Block label="Error">{a.error}</Block> : null}
                    </div>
                  </Card>
                </li>
              ))}
            </ol>
          )}
        </section>
      </PageBody>
    </>
  );
}
