"use client";

import { LogOut } from "lucide-react";
import { StepUpForm } from "@/components/admin/step-up-form";
import { signOutOtherSessionsAction } from "@/lib/actions/sign-out-other-sessions";

/** "Sign out of all other sessions", confirmed with the PIN; this session stays signed in. */
export function SignOutOthersButton({ others }: { others: number }) {
  return (
    <StepUpForm
      trigger={
        <>
          <LogOut aria-hidden /> Sign out of all other sessions
        </>
      }
      disabledReason={others === 0 ? "You are not signed in anywhere else." : undefined}
      title="Sign out of all other sessions"
      initial={{}}
      pinTitle="Sign out of all other sessions"
      pinDescription={() => (
        <>
          {others === 1 ? "The other session" : `All ${others} other sessions`} end at once: their next click goes to the sign-in page. This browser stays
          signed in.
        </>
      )}
      confirmLabel="Sign out others"
      destructive
      run={(_, stepUp) => signOutOtherSessionsAction(stepUp)}
      success={(_, result) => {
        const ended = (result as { data?: { ended: number } }).data?.ended ?? 0;
        return ended === 1 ? "Signed out of 1 other session" : `Signed out of ${ended} other sessions`;
      }}
    />
  );
}
