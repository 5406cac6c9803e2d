import { Hourglass, Lock } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { ApproveKeyButton, RejectKeyButton } from "@/components/keys/key-approval";
import { KeyGrants, ModeBadge } from "@/components/keys/key-badges";
import { RelativeTime } from "@/components/keys/relative-time";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/current";
import { formatDateTime } from "@/lib/format";
import { listPendingKeys } from "@/lib/keys/list-pending-keys";
import { query } from "@/lib/query";
import { cn } from "@/lib/utils";

export const metadata: Metadata = { title: "Key approvals · API keys" };

/** Below 768 px the table's rows are cards: each cell a labelled block. */
const QUEUE_TABLE = cn(
  "[&_td]:align-top",
  "max-md:block max-md:[&_thead]:sr-only max-md:[&>tbody]:block",
  "max-md:[&>tbody>tr]:block max-md:[&>tbody>tr]:space-y-2 max-md:[&>tbody>tr]:border-b max-md:[&>tbody>tr]:border-zinc-200 max-md:[&>tbody>tr]:px-4 max-md:[&>tbody>tr]:py-3.5",
  "max-md:[&_td]:block max-md:[&_td]:border-0 max-md:[&_td]:p-0",
);
const CARD_LABEL =
  "max-md:before:mb-0.5 max-md:before:block max-md:before:text-xs max-md:before:font-medium max-md:before:text-zinc-500 max-md:before:content-[attr(data-label)_/_'']";

/** The keys of the organisation that wait for a second member's approval (maker-checker), longest-waiting first. */
export default async function KeyApprovalsPage() {
  const actor = await requirePageActor({ organisation: true });
  const crumbs = [{ label: actor.org.name }, { label: "API keys", href: "/keys" }, { label: "Key approvals" }];
  const header = (
    <PageHeader
      crumbs={crumbs}
      title="Key approvals"
      description="Keys that can move money and wait for a second member's approval. The API refuses them until then; unapproved, they are deleted after 7 days."
    />
  );
  if (!actor.permissions.has("keys:view")) {
    return (
      <>
        {header}
        <PageBody>
          <Notice icon={Lock} title="You can't see this organisation's keys">
            Your role ({actor.role?.name}) does not include viewing API keys.
          </Notice>
        </PageBody>
      </>
    );
  }
  const keys = await query(listPendingKeys, actor);
  const canApprove = actor.permissions.has("keys:approve");
  const now = new Date();
  return (
    <>
      {header}
      <PageBody>
        {!canApprove ? (
          <p className="rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-700">
            Your role ({actor.role?.name}) cannot approve keys: a Superadmin or Admin approves or rejects them.
          </p>
        ) : null}
        {keys.length === 0 ? (
          <Notice icon={Hourglass} title="No keys wait for approval">
            When someone makes a key that can move money, it waits here for a second member.{" "}
            <Link href="/keys" className="font-medium text-accent-700 hover:underline">
              Back to the keys
            </Link>
          </Notice>
        ) : (
          <Table label="Keys waiting for approval" className={QUEUE_TABLE}>
            <thead>
              <tr>
                <Th>Key</Th>
                <Th>Made by</Th>
                <Th>Waiting since</Th>
                <Th>What it can do</Th>
                <Th>Decision</Th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id}>
                  <Td className="max-md:break-words">
                    <Link href={`/keys/${key.id}`} className="font-medium text-zinc-900 hover:text-accent-700 hover:underline">
                      {key.alias}
                    </Link>
                    <span className="block font-mono text-xs text-zinc-600">{key.prefix}…</span>
                    <span className="block text-xs text-zinc-500">{key.applicationName}</span>
                    <span className="mt-1 block text-xs">
                      <ModeBadge mode={key.mode} />
                    </span>
                  </Td>
                  <Td data-label="Made by" className={cn("text-zinc-700", CARD_LABEL)}>
                    {key.createdByName}
                    {key.madeByYou ? <span className="block text-xs text-zinc-500">You made it</span> : null}
                  </Td>
                  <Td data-label="Waiting since" className={cn("text-zinc-700", CARD_LABEL)}>
                    <RelativeTime date={key.since} now={now} />
                    <span className="block text-xs text-zinc-500">Deleted unapproved on {formatDateTime(key.deletedAt)}</span>
                  </Td>
                  <Td data-label="What it can do" className={cn("min-w-44 max-w-72 max-md:max-w-none", CARD_LABEL)}>
                    <KeyGrants permissions={key.permissions} compact />
                  </Td>
                  <Td data-label="Decision" className={CARD_LABEL}>
                    {key.madeByYou ? (
                      <span className="text-zinc-600">You created this key, so another member must approve it.</span>
                    ) : canApprove ? (
                      <span className="flex flex-wrap gap-2">
                        <ApproveKeyButton keyId={key.id} alias={key.alias} />
                        <RejectKeyButton keyId={key.id} alias={key.alias} />
                      </span>
                    ) : (
                      <span className="text-zinc-600">A Superadmin or Admin decides.</span>
                    )}
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
