import { ClipboardCheck, Lock } from "lucide-react";
import type { Metadata } from "next";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { requirePageActor } from "@/lib/auth/current";

export const metadata: Metadata = { title: "Payment approvals" };

export default async function PaymentsPage() {
  const actor = await requirePageActor({ organisation: true });
  return (
    <>
      <PageHeader
        crumbs={[{ label: actor.org!.name }, { label: "Payment approvals" }]}
        title="Payment approvals"
        description="Payments your software creates through the API wait here until a member approves them with a PIN."
      />
      <PageBody>
        {actor.permissions.has("payments:approve") ? (
          <Notice icon={ClipboardCheck} title="No payments are waiting">
            Payments created through the API appear here for approval. Nothing leaves an account until it is approved.
          </Notice>
        ) : (
          <Notice icon={Lock} title="You can't approve payments">
            Your role ({actor.role?.name}) does not include approving payments.
          </Notice>
        )}
      </PageBody>
    </>
  );
}
