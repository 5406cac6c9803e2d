import { Hourglass } from "lucide-react";
import { ApproveKeyButton, RejectKeyButton } from "@/components/keys/key-approval";
import { PendingApprovalBadge } from "@/components/keys/key-badges";
import { formatDateTime } from "@/lib/format";

const WAIT_DAYS = 7;

/**
 * The top of a key's page while it waits for a second member (maker-checker): what that means, and
 * — for a member who may approve keys and did not make this one — Approve and Reject with the PIN.
 * Its makers read why they cannot decide; others, whom to ask.
 */
export function KeyApprovalNotice({
  keyId,
  alias,
  since,
  madeByYou,
  canApprove,
}: {
  keyId: string;
  alias: string;
  since: Date;
  madeByYou: boolean;
  canApprove: boolean;
}) {
  const deletedAt = new Date(since.getTime() + WAIT_DAYS * 86_400_000);
  return (
    <section aria-labelledby="approval-heading" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-4 text-sm text-amber-950">
      <div className="flex flex-wrap items-center gap-2">
        <Hourglass className="size-4 shrink-0" aria-hidden />
        <h2 id="approval-heading" className="font-semibold">
          Waiting for a second member&apos;s approval
        </h2>
        <PendingApprovalBadge />
      </div>
      <p className="mt-2">
        This key can move money, so the API refuses it (403 key_pending_approval) until another member who may approve keys approves it. Waiting since{" "}
        {formatDateTime(since)}; unapproved, it is deleted on {formatDateTime(deletedAt)}.
      </p>
      {madeByYou ? (
        <p className="mt-2 font-medium">You created this key, so another member must approve it.</p>
      ) : canApprove ? (
        <div className="mt-3 flex flex-wrap items-center gap-2">
          <ApproveKeyButton keyId={keyId} alias={alias} />
          <RejectKeyButton keyId={keyId} alias={alias} then="/keys/approvals" />
        </div>
      ) : (
        <p className="mt-2">Your role cannot approve keys: a Superadmin or Admin approves or rejects it.</p>
      )}
    </section>
  );
}
