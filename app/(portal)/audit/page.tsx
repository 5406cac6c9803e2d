import { Lock } from "lucide-react";
import type { Metadata } from "next";
import { AuditTable } from "@/components/audit/audit-table";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { listRecentAuditEvents } from "@/lib/audit/list-events";
import { requirePageActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";

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
          <AuditTable events={events} />
        )}
      </PageBody>
    </>
  );
}
