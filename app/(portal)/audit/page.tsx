import { Lock } from "lucide-react";
import type { Metadata } from "next";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { listRecentAuditEvents } from "@/lib/audit/list-events";
import { auditActionLabel } from "@/lib/audit/action-labels";
import { requirePageActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  const actor = await requirePageActor({ organisation: true });
  const allowed = actor.permissions.has("audit:view");
  const events = allowed ? await listRecentAuditEvents(getDb(), actor) : [];
  return (
    <>
      <PageHeader
        crumbs={[{ label: actor.org!.name }, { label: "Audit log" }]}
        title="Audit log"
        description="Who did what, when and from where. Entries can never be changed or removed."
      />
      <PageBody>
        {!allowed ? (
          <Notice icon={Lock} title="You can't see the audit log">
            Your role ({actor.role?.name}) does not include the audit log.
          </Notice>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>When</Th>
                <Th>Who</Th>
                <Th>What</Th>
                <Th>Outcome</Th>
                <Th>IP address</Th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <Td className="tabular whitespace-nowrap text-zinc-600">{formatDateTime(e.occurredAt)}</Td>
                  <Td className="text-zinc-900">{e.actorLabel}</Td>
                  <Td>{auditActionLabel(e.action)}</Td>
                  <Td>
                    <Badge tone={e.outcome === "success" ? "success" : e.outcome === "denied" ? "warning" : "danger"}>
                      {e.outcome === "success" ? "Succeeded" : e.outcome === "denied" ? "Refused" : "Failed"}
                    </Badge>
                  </Td>
                  <Td className="font-mono text-xs text-zinc-500">{e.ip ?? "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </PageBody>
    </>
  );
}
