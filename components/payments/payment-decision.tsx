"use client";

import { useHydrated } from "@/lib/use-hydrated";
import { Check, X } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "@/components/ui/toaster";
import { LazyStepUpDialog } from "@/components/auth/lazy-step-up-dialog";
import { isStepUpRefusal, stepUpRefusal } from "@/components/auth/step-up-outcome";
import { preloadOn } from "@/components/ui/lazy-dialog";
import { Button } from "@/components/ui/button";
import { decidePaymentAction } from "@/lib/actions/decide-payment";

export function PaymentDecision({ paymentId, summary }: { paymentId: string; summary: string }) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [decision, setDecision] = useState<"approve" | "reject" | null>(null);
  return (
    <div className="flex justify-end gap-2">
      <Button
        size="sm"
        variant="secondary"
        disabled={!hydrated}
        {...preloadOn(LazyStepUpDialog)}
        onClick={() => setDecision("reject")}
        aria-label={`Reject ${summary}`}
      >
        <X aria-hidden /> Reject
      </Button>
      <Button size="sm" disabled={!hydrated} {...preloadOn(LazyStepUpDialog)} onClick={() => setDecision("approve")} aria-label={`Approve ${summary}`}>
        <Check aria-hidden /> Approve
      </Button>
      <LazyStepUpDialog
        open={decision !== null}
        onOpenChange={(open) => !open && setDecision(null)}
        title={decision === "approve" ? "Approve and pay" : "Reject the payment"}
        description={decision === "approve" ? `${summary} will be paid now, from the account shown.` : `${summary} will not be paid.`}
        confirmLabel={decision === "approve" ? "Approve and pay" : "Reject"}
        destructive={decision === "reject"}
        onSubmit={async (stepUp) => {
          if (!decision) return { ok: false, error: "Choose Approve or Reject first." };
          const result = await decidePaymentAction({ paymentId, decision, ...stepUp });
          if (result.ok) {
            setDecision(null);
            toast.success(result.data.status === "executed" ? "Payment approved and executed" : "Payment rejected");
            router.refresh();
            return { ok: true };
          }
          if (isStepUpRefusal(result.code)) return stepUpRefusal(result);
          setDecision(null);
          toast.error(result.error);
          router.refresh();
          return { ok: true };
        }}
      />
    </div>
  );
}
