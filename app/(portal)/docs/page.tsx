import type { Metadata } from "next";
import Link from "next/link";
import { EndpointSample } from "@/components/api/endpoint-sample";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Card } from "@/components/ui/card";
import { WebhooksDocs } from "@/components/webhooks/webhooks-docs";
import { ENDPOINTS } from "@/lib/api/openapi";
import { requirePageActor } from "@/lib/auth/current";
import { requestOrigin } from "@/lib/http/request-context";

export const metadata: Metadata = { title: "API docs" };

export default async function DocsPage() {
  const actor = await requirePageActor({ organisation: true });
  const origin = await requestOrigin();
  return (
    <>
      <PageHeader
        crumbs={[{ label: actor.org.name }, { label: "API docs" }]}
        title="API docs"
        description="Every endpoint your keys can open, with a request to copy and the answer to expect."
        action={
          <a href="/api/openapi.json" className="text-sm font-medium text-accent-700 hover:underline">
            OpenAPI 3.1 document
          </a>
        }
      />
      <PageBody>
        <Card className="space-y-2 p-5 text-sm break-words text-zinc-700">
          <p>
            Send your key in the <code className="font-mono">x-api-key</code> header on every request — never in a URL. Money is an integer in minor units
            (cents) with its currency; times are ISO 8601 in UTC. Errors look like <code className="font-mono">{`{"error":{"code","message"}}`}</code>.
          </p>
          <p>
            Or exchange your application&apos;s client ID and secret with the key for a 30-minute bearer token:{" "}
            <code className="font-mono">POST /api/oauth2/token</code> with HTTP Basic credentials, the key in <code className="font-mono">x-api-key</code> and{" "}
            <code className="font-mono">grant_type=client_credentials</code>.
          </p>
          <p>
            Each key&apos;s page shows these samples with its own prefix and accounts.{" "}
            <Link href="/keys" className="font-medium text-accent-700 hover:underline">
              Your keys
            </Link>
          </p>
        </Card>
        <Card className="space-y-2 p-5 text-sm break-words text-zinc-700">
          <h2 className="text-base font-semibold text-zinc-900">Key guardrails</h2>
          <p>
            <strong className="font-medium text-zinc-900">IP allowlist.</strong> A key with an allowlist answers only calls from its addresses and ranges; any
            other gets <code className="font-mono">403 ip_not_allowed</code> naming the address we saw — at the token endpoint too.
          </p>
          <p>
            <strong className="font-medium text-zinc-900">Payment limits.</strong> A key that can move money may have a most per transfer or payment and a most
            per UTC day, in the source account&apos;s currency. Pending payments count; rejected ones give their amount back. Over a limit:{" "}
            <code className="font-mono">403 limit_exceeded</code>, with what is left today.
          </p>
          <p>
            <strong className="font-medium text-zinc-900">Approval.</strong> Where your organisation requires a second person for keys that can move money, a
            new or regenerated one answers <code className="font-mono">403 key_pending_approval</code> until another member approves it in the portal.
          </p>
          <p>
            <strong className="font-medium text-zinc-900">Rolling a key.</strong> After a regeneration with an overlap, the old secret keeps working until the
            time its key page shows, then answers <code className="font-mono">401 invalid_key</code> like any unknown key. Ask for new access tokens with the
            new secret.
          </p>
        </Card>
        <WebhooksDocs />
        <div className="space-y-2">
          {ENDPOINTS.map((endpoint) => (
            <EndpointSample key={`${endpoint.method} ${endpoint.path}`} endpoint={endpoint} values={{ origin, prefix: "lk_live_xxxx" }} level={2} />
          ))}
        </div>
      </PageBody>
    </>
  );
}
