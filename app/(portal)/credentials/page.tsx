import { KeySquare, Lock } from "lucide-react";
import type { Metadata } from "next";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/current";
import { listApplications } from "@/lib/credentials/list-applications";
import { getDb } from "@/lib/db";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Credentials" };

export default async function CredentialsPage() {
  const actor = await requirePageActor({ organisation: true });
  const allowed = actor.permissions.has("credentials:view");
  const apps = allowed ? await listApplications(getDb(), actor) : [];
  return (
    <>
      <PageHeader
        crumbs={[{ label: actor.org!.name }, { label: "Credentials" }]}
        title="Credentials"
        description="Each application has a client ID and a client secret; together with an API key they open the bank API."
      />
      <PageBody>
        {!allowed ? (
          <Notice icon={Lock} title="Only the main account holder sees credentials">
            Your role ({actor.role?.name}) does not include client credentials.
          </Notice>
        ) : apps.length === 0 ? (
          <Notice icon={KeySquare} title="No applications yet">
            Your organisation has no application with client credentials.
          </Notice>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Application</Th>
                <Th>Client ID</Th>
                <Th>Client secret</Th>
                <Th>Secret last rotated</Th>
              </tr>
            </thead>
            <tbody>
              {apps.map((app) => (
                <tr key={app.id}>
                  <Td className="font-medium text-zinc-900">{app.name}</Td>
                  <Td className="font-mono text-xs text-zinc-700">{app.clientId}</Td>
                  <Td className="font-mono text-xs text-zinc-500" aria-label={`Secret ending in ${app.clientSecretLast4}`}>
                    lkcs_••••••••{app.clientSecretLast4}
                  </Td>
                  <Td className="tabular text-zinc-600">{formatDate(app.secretRotatedAt)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </PageBody>
    </>
  );
}
