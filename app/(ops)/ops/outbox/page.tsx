import { Inbox } from "lucide-react";
import type { Metadata } from "next";
import { Notice } from "@/components/shell/notice";
import { OperatorsOnly } from "@/components/shell/operators-only";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { listOutbox } from "@/lib/mail/list-outbox";
import { mailConfigured } from "@/lib/mail/outbox";

export const metadata: Metadata = { title: "E-mail outbox" };

export default async function OutboxPage() {
  const actor = await requirePageActor();
  if (!actor.user.isOperator) return <OperatorsOnly />;
  const messages = await listOutbox(getDb(), actor);
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Operations", href: "/ops" }, { label: "E-mail outbox" }]}
        title="E-mail outbox"
        description={mailConfigured() ? "Messages Latchkey sends through SMTP, newest first." : "SMTP is not configured: messages wait here instead of being sent. Newest first."}
      />
      <PageBody>
        {messages.length === 0 ? (
          <Notice icon={Inbox} title="No messages yet">
            Expiry reminders appear here once keys approach their 90 days.
          </Notice>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>To</Th>
                <Th>Subject</Th>
                <Th>Queued</Th>
                <Th>Status</Th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <Td className="text-zinc-700">{m.toAddress}</Td>
                  <Td>
                    <details>
                      <summary className="cursor-pointer font-medium text-zinc-900">{m.subject}</summary>
                      <p className="mt-2 max-w-xl text-sm whitespace-pre-line text-zinc-600">{m.body}</p>
                    </details>
                  </Td>
                  <Td className="tabular text-zinc-600">{formatDateTime(m.createdAt)}</Td>
                  <Td>
                    {m.sentAt ? <Badge tone="success">Sent</Badge> : m.lastError ? <Badge tone="danger">Failed ×{m.attempts}</Badge> : <Badge tone="neutral">Waiting</Badge>}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </PageBody>
    </>
  );
}
