import { Info, Inbox } from "lucide-react";
import { Notice } from "@/components/shell/notice";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import type { Outbox, OutboxMessage } from "@/lib/mail/list-outbox";
import { LINK_PLACEHOLDER } from "@/lib/mail/link-placeholder";

/** What the page says about where mail goes and what it shows — plainly, above the list. */
export function outboxExplanation(mailConfigured: boolean): string {
  return mailConfigured
    ? "Messages are sent through SMTP. Only the recipient, subject and status are shown here: a message can carry a one-time link (an invitation), which stays sealed until it is sent and is erased once it is."
    : "E-mail is not configured (SMTP_URL), so messages stay here and are never sent; their text is shown so they can be read. Invitation links are not queued here: whoever invites someone is shown the link once, to pass on themselves.";
}

function Status({ message, mailConfigured, maxAttempts }: { message: OutboxMessage; mailConfigured: boolean; maxAttempts: number }) {
  if (message.status === "sent") {
    return (
      <div>
        <Badge tone="success">Sent</Badge>
        {message.sentAt ? <p className="tabular mt-1 text-xs whitespace-nowrap text-zinc-500">{formatDateTime(message.sentAt)}</p> : null}
      </div>
    );
  }
  if (message.status === "queued") return <Badge tone="neutral">{mailConfigured ? "Queued" : "Waiting"}</Badge>;
  return (
    <div className="max-w-xs">
      <Badge tone="danger">Failed</Badge>
      <p className="mt-1 text-xs text-zinc-600">
        {message.willRetry
          ? mailConfigured
            ? "Will be tried again."
            : "Will be tried again once SMTP_URL is set."
          : `Given up after ${maxAttempts} attempts.`}
      </p>
      {message.lastError ? <p className="mt-1 text-xs break-words text-red-800">Last error: {message.lastError}</p> : null}
    </div>
  );
}

/** A body's lines, each keyed by where it starts in the body: the same text always gets the same keys. */
function linesOf(body: string): { start: number; text: string }[] {
  let start = 0;
  return body.split("\n").map((text) => {
    const line = { start, text };
    start += text.length + 1;
    return line;
  });
}

/** A body as an operator may read it without SMTP: a sealed link's line says so, and never holds it. */
function Body({ body }: { body: string }) {
  return (
    <div className="mt-2 max-w-xl text-sm text-zinc-600">
      {linesOf(body).map(({ start, text }) =>
        text === LINK_PLACEHOLDER ? (
          <p key={start} className="text-zinc-600 italic">
            [one-time link — sealed, only put in when the message is sent]
          </p>
        ) : (
          <p key={start} className="min-h-[1lh] break-words whitespace-pre-wrap">
            {text}
          </p>
        ),
      )}
    </div>
  );
}

/** The outbox: recipient, subject, when queued, status with attempts and last error — bodies only without SMTP. */
export function OutboxTable({ outbox }: { outbox: Outbox }) {
  const { mailConfigured, maxAttempts, messages } = outbox;
  return (
    <>
      <p className="flex gap-2.5 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2.5 text-sm text-zinc-700" data-testid="outbox-explanation">
        <Info className="mt-0.5 size-4 shrink-0 text-zinc-500" aria-hidden />
        {outboxExplanation(mailConfigured)}
      </p>
      {messages.length === 0 ? (
        <Notice icon={Inbox} title="No messages yet">
          Expiry reminders{mailConfigured ? " and invitations" : ""} appear here once they are queued.
        </Notice>
      ) : (
        <Table label="E-mail messages, newest first" className="min-w-[760px]">
          <thead>
            <tr>
              <Th>To</Th>
              <Th>Subject</Th>
              <Th>Queued</Th>
              <Th>Status</Th>
              <Th className="text-right">Attempts</Th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id}>
                <Td className="align-top whitespace-nowrap text-zinc-700">{m.toAddress}</Td>
                <Td className="min-w-64 align-top">
                  {m.body === null ? (
                    <span className="font-medium text-zinc-900">{m.subject}</span>
                  ) : (
                    <details>
                      <summary className="cursor-pointer rounded-sm font-medium text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600">
                        {m.subject}
                      </summary>
                      <Body body={m.body} />
                    </details>
                  )}
                </Td>
                <Td className="tabular align-top whitespace-nowrap text-zinc-600">{formatDateTime(m.createdAt)}</Td>
                <Td className="align-top">
                  <Status message={m} mailConfigured={mailConfigured} maxAttempts={maxAttempts} />
                </Td>
                <Td className="tabular text-right align-top text-zinc-700">{m.attempts}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
