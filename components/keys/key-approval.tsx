"use client";

import { Check, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { SettingToggle } from "@/components/account/setting-toggle";
import { StepUpForm } from "@/components/admin/step-up-form";
import { approveKeyAction } from "@/lib/actions/approve-key";
import { rejectKeyAction } from "@/lib/actions/reject-key";
import { setKeyApprovalAction } from "@/lib/actions/set-key-approval";

/** The Settings toggle: "Keys that can move money need a second person", on or off by the Superadmin. */
export function KeyApprovalToggle({ required }: { required: boolean }) {
  return (
    <SettingToggle
      on={required}
      title="Keys that can move money need a second person"
      turnOn={{
        title: "Require a second person for money keys",
        description: "From now on, a new or regenerated key that can move money works only after another member who may approve keys approves it.",
        success: "Keys that can move money now need a second person",
      }}
      turnOff={{
        title: "Turn off the second person for money keys",
        description: "New keys that can move money work as soon as they are made. Keys already waiting still need their approval.",
        success: "Keys that can move money no longer need a second person",
      }}
      run={(next, stepUp) => setKeyApprovalAction({ required: next, ...stepUp })}
    />
  );
}

/** "Approve" on a key waiting for a second member: the API accepts it from the next call. */
export function ApproveKeyButton({ keyId, alias }: { keyId: string; alias: string }) {
  return (
    <StepUpForm
      trigger={
        <>
          <Check aria-hidden /> Approve<span className="sr-only"> “{alias}”</span>
        </>
      }
      triggerVariant="primary"
      title={`Approve “${alias}”`}
      initial={{}}
      pinTitle={`Approve “${alias}”`}
      pinDescription={() => "The key can move money. Once you approve it, the API accepts it from its next call."}
      confirmLabel="Approve"
      run={(_, stepUp) => approveKeyAction({ keyId, ...stepUp })}
      success={() => `“${alias}” is approved and works now`}
    />
  );
}

/** "Reject" on a key waiting for a second member: it is deleted; from its own page, the person goes on to `then`. */
export function RejectKeyButton({ keyId, alias, then }: { keyId: string; alias: string; then?: string }) {
  const router = useRouter();
  return (
    <StepUpForm
      trigger={
        <>
          <X aria-hidden /> Reject<span className="sr-only"> “{alias}”</span>
        </>
      }
      title={`Reject “${alias}”`}
      initial={{}}
      pinTitle={`Reject “${alias}”`}
      pinDescription={() => "The key is deleted: its secret never works. Whoever made it can make a new one."}
      confirmLabel="Reject and delete"
      destructive
      run={async (_, stepUp) => {
        const result = await rejectKeyAction({ keyId, ...stepUp });
        if (result.ok && then) router.push(then);
        return result;
      }}
      success={() => `“${alias}” was rejected and deleted`}
    />
  );
}
