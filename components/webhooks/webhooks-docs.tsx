import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENT_TYPES, WEBHOOK_TEST_EVENT } from "@/lib/webhooks/event-types";

const SAMPLE_BODY = `{
  "type": "key.created",
  "timestamp": "2027-02-22T12:03:41.118Z",
  "data": {
    "key": { "id": "6f1c…", "alias": "ERP sync", "prefix": "lk_live_4f9a", "mode": "live" },
    "actor": { "name": "Naledi Dlamini" }
  }
}`;

const SAMPLE_HEADERS = `content-type: application/json
webhook-id: 0b8e5c1e-3a51-4f2e-9c1d-5d0f2a7b9e11
webhook-timestamp: 1803729821
webhook-signature: v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=`;

const TYPESCRIPT = `// npm install standardwebhooks
import { Webhook } from "standardwebhooks";

const webhook = new Webhook(process.env.LATCHKEY_WEBHOOK_SECRET!); // "whsec_…"

export async function POST(request: Request): Promise<Response> {
  const body = await request.text(); // the raw body: verify before parsing
  let event: { type: string; timestamp: string; data: Record<string, unknown> };
  try {
    event = webhook.verify(body, Object.fromEntries(request.headers)) as typeof event;
  } catch {
    return new Response("Invalid signature", { status: 400 });
  }
  const id = request.headers.get("webhook-id")!; // the same on every retry
  if (await alreadyHandled(id)) return new Response(null, { status: 204 });
  await handle(event);
  return new Response(null, { status: 204 });
}`;

const PYTHON = `# pip install standardwebhooks flask
import os
from flask import Flask, request
from standardwebhooks.webhooks import Webhook

app = Flask(__name__)
webhook = Webhook(os.environ["LATCHKEY_WEBHOOK_SECRET"])  # "whsec_…"

@app.post("/latchkey/events")
def latchkey_events():
    try:
        event = webhook.verify(request.get_data(), dict(request.headers))
    except Exception:
        return "Invalid signature", 400
    event_id = request.headers["webhook-id"]  # the same on every retry
    if not already_handled(event_id):
        handle(event)
    return "", 204`;

function Code({ label, children }: { label: string; children: string }) {
  return (
    <figure className="min-w-0">
      <figcaption className="flex items-center justify-between gap-2 text-xs font-medium text-zinc-600">
        {label}
        <CopyButton value={children} label={`Copy the ${label} sample`} size="sm" />
      </figcaption>
      <pre
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroller must take focus to be scrolled by keyboard (WCAG 2.1.1)
        tabIndex={0}
        className="mt-1.5 overflow-x-auto rounded-md border border-zinc-200 bg-zinc-50 p-3 font-mono text-xs leading-5 text-zinc-900 focus-visible:outline-2 focus-visible:outline-accent-600"
      >
        {children}
      </pre>
    </figure>
  );
}

const code = "rounded bg-zinc-100 px-1 font-mono text-[13px] text-zinc-900";

/** The docs page's "Webhooks" section: what is sent, how it is retried, and how to verify it. */
export function WebhooksDocs() {
  return (
    <Card className="min-w-0 space-y-4 p-5 text-sm break-words text-zinc-700">
      <h2 id="webhooks" className="scroll-mt-6 text-base font-semibold text-zinc-900">
        Webhooks
      </h2>
      <p>
        Add endpoints under <strong className="font-medium text-zinc-900">Webhooks</strong> (members with &ldquo;Manage webhook endpoints&rdquo;) and choose
        their events. Each event is a <code className={code}>POST</code> with a JSON body, signed as{" "}
        <a className="font-medium text-accent-700 hover:underline" href="https://www.standardwebhooks.com/">
          Standard Webhooks
        </a>{" "}
        describes, so any Standard Webhooks library verifies it.
      </p>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Code label="Headers">{SAMPLE_HEADERS}</Code>
        <Code label="Body">{SAMPLE_BODY}</Code>
      </div>
      <ul className="list-disc space-y-1.5 pl-5">
        <li>
          <code className={code}>webhook-id</code> names the event: every retry and every resend of it carries the same one, so store it and ignore repeats.
        </li>
        <li>
          <code className={code}>webhook-signature</code> is <code className={code}>v1,</code> and a base64 HMAC-SHA256 of{" "}
          <code className={code}>{"{webhook-id}.{webhook-timestamp}.{body}"}</code> under your endpoint&apos;s secret (<code className={code}>whsec_…</code>,
          shown once when the endpoint is added or its secret rotated). For 24 hours after a rotation two signatures are sent, separated by a space: one from
          each secret. Refuse a timestamp more than 5 minutes from your clock.
        </li>
        <li>
          The body is <code className={code}>{`{"type","timestamp","data"}`}</code>; <code className={code}>data</code> holds ids and names, never a secret, a
          key&apos;s hash or a PIN.
        </li>
        <li>
          Answer with any 2xx within 10 seconds. Anything else, a timeout or a refused connection is retried with exponential backoff and jitter for 3 days; an
          endpoint still failing after 3 days is disabled and its admins are told. Answering <code className={code}>410 Gone</code> disables the endpoint at
          once. Redirects are not followed.
        </li>
        <li>
          Events to one endpoint are sent in the order they happened, but a retried event can arrive after a later one: order by the body&apos;s{" "}
          <code className={code}>timestamp</code>, not by arrival.
        </li>
      </ul>
      <h3 className="text-sm font-semibold text-zinc-900">Event types</h3>
      <dl className="grid grid-cols-1 gap-x-6 gap-y-1.5 sm:grid-cols-[14rem_minmax(0,1fr)]">
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <div key={type} className="contents">
            <dt>
              <code className="font-mono text-[13px] text-zinc-900">{type}</code>
            </dt>
            <dd>{WEBHOOK_EVENT_LABELS[type]}</dd>
          </div>
        ))}
        <div className="contents">
          <dt>
            <code className="font-mono text-[13px] text-zinc-900">{WEBHOOK_TEST_EVENT}</code>
          </dt>
          <dd>Sent by &ldquo;Send test event&rdquo; on an endpoint&apos;s page, to that endpoint alone</dd>
        </div>
      </dl>
      <h3 className="text-sm font-semibold text-zinc-900">Verify a delivery</h3>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Code label="TypeScript">{TYPESCRIPT}</Code>
        <Code label="Python">{PYTHON}</Code>
      </div>
    </Card>
  );
}
