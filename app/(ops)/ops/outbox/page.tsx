import type { Metadata } from "next";
import { OutboxTable } from "@/components/ops/outbox-table";
import { OperatorsOnly } from "@/components/shell/operators-only";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { requirePageActor } from "@/lib/auth/current";
import { query } from "@/lib/query";
import { listOutbox } from "@/lib/mail/list-outbox";

export const metadata: Metadata = { title: "E-mail outbox" };

export default async function OutboxPage() {
  const actor = await requirePageActor();
  if (!actor.user.isOperator) return <OperatorsOnly />;
  const outbox = await query(listOutbox, actor);
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Operations", href: "/ops" }, { label: "E-mail outbox" }]}
        title="E-mail outbox"
        description={
          outbox.mailConfigured
            ? "Messages Latchkey sends through SMTP, newest first."
            : "SMTP is not configured: messages wait here instead of being sent. Newest first."
        }
      />
      <PageBody>
        <OutboxTable outbox={outbox} />
      </PageBody>
    </>
  );
}
