"use client";

import { Loader2, Power, PowerOff, RefreshCw, Send, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { type ReactNode, useState } from "react";
import { z } from "zod";
import { StepUpForm } from "@/components/admin/step-up-form";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toaster";
import { deleteWebhookEndpointAction } from "@/lib/actions/delete-webhook-endpoint";
import { resendWebhookDeliveryAction } from "@/lib/actions/resend-webhook-delivery";
import { rotateWebhookSecretAction } from "@/lib/actions/rotate-webhook-secret";
import { sendTestWebhookAction } from "@/lib/actions/send-test-webhook";
import { setWebhookEndpointStatusAction } from "@/lib/actions/set-webhook-endpoint-status";
import { useHydrated } from "@/lib/use-hydrated";

/** A button that runs one action without a PIN, shows its progress and ends with a toast. */
function ActionButton({
  label,
  busyLabel,
  icon,
  run,
  done,
}: {
  label: string;
  busyLabel: string;
  icon: ReactNode;
  run: () => Promise<{ ok: boolean; error?: string }>;
  done: string;
}) {
  const hydrated = useHydrated();
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      type="button"
      variant="secondary"
      size="sm"
      disabled={!hydrated || busy}
      onClick={async () => {
        setBusy(true);
        try {
          const result = await run();
          if (result.ok) {
            toast.success(done);
            router.refresh();
          } else toast.error(result.error ?? "That did not work. Try again.");
        } finally {
          setBusy(false);
        }
      }}
    >
      {busy ? <Loader2 className="animate-spin" aria-hidden /> : icon}
      {busy ? busyLabel : label}
    </Button>
  );
}

export function SendTestEvent({ endpointId, disabled }: { endpointId: string; disabled: boolean }) {
  if (disabled) {
    return (
      <>
        <Button type="button" variant="secondary" size="sm" disabled aria-describedby="send-test-reason">
          <Send aria-hidden /> Send test event
        </Button>
        <span id="send-test-reason" className="sr-only">
          Enable the endpoint to send a test event
        </span>
      </>
    );
  }
  return (
    <ActionButton
      label="Send test event"
      busyLabel="Sending…"
      icon={<Send aria-hidden />}
      run={() => sendTestWebhookAction({ endpointId })}
      done="Test event queued: it appears in the delivery log"
    />
  );
}

export function ResendDelivery({ deliveryId }: { deliveryId: string }) {
  return (
    <ActionButton
      label="Resend"
      busyLabel="Resending…"
      icon={<RefreshCw aria-hidden />}
      run={() => resendWebhookDeliveryAction({ deliveryId })}
      done="Queued again, with the same webhook-id"
    />
  );
}

export function RotateWebhookSecret({ endpointId, host }: { endpointId: string; host: string }) {
  return (
    <StepUpForm
      trigger={
        <>
          <RefreshCw aria-hidden /> Rotate secret
        </>
      }
      title={`Rotate the signing secret of ${host}`}
      initial={{}}
      pinTitle={`Rotate the signing secret of ${host}?`}
      pinDescription={() => (
        <>A new secret signs every event from now on. For 24 hours the old one signs too (both signatures are sent), so your receiver can switch over.</>
      )}
      confirmLabel="Rotate secret"
      run={(_, stepUp) => rotateWebhookSecretAction({ endpointId, ...stepUp })}
      success={() => "Signing secret rotated; the old one signs for 24 more hours"}
      reveal={(result) => ({
        title: `New signing secret for ${host}`,
        noun: "signing secret",
        keptAs: "sealed",
        secret: (result as { data: { secret: string } }).data.secret,
      })}
    />
  );
}

export function SetWebhookEndpointStatus({ endpointId, host, status }: { endpointId: string; host: string; status: "enabled" | "disabled" }) {
  const enabling = status === "disabled";
  return (
    <StepUpForm
      trigger={
        enabling ? (
          <>
            <Power aria-hidden /> Enable
          </>
        ) : (
          <>
            <PowerOff aria-hidden /> Disable
          </>
        )
      }
      title={enabling ? `Enable ${host}` : `Disable ${host}`}
      initial={{}}
      pinTitle={enabling ? `Enable ${host}?` : `Disable ${host}?`}
      pinDescription={() =>
        enabling ? (
          <>New events are sent to it again, starting now. Events from while it was disabled are not sent; resend any you need from the log.</>
        ) : (
          <>Nothing more is sent to this endpoint until it is enabled again. Its delivery log stays.</>
        )
      }
      confirmLabel={enabling ? "Enable endpoint" : "Disable endpoint"}
      destructive={!enabling}
      run={(_, stepUp) => setWebhookEndpointStatusAction({ endpointId, status: enabling ? "enabled" : "disabled", ...stepUp })}
      success={() => (enabling ? `${host} enabled` : `${host} disabled`)}
    />
  );
}

export function DeleteWebhookEndpoint({ endpointId, host }: { endpointId: string; host: string }) {
  const router = useRouter();
  const confirmSchema = z.object({ confirm: z.string().refine((v) => v.trim() === host, `Type ${host} to confirm`) });
  return (
    <StepUpForm
      trigger={
        <>
          <Trash2 aria-hidden /> Delete
        </>
      }
      triggerVariant="destructive"
      title={`Delete the endpoint ${host}`}
      description={
        <>
          Events stop going to <strong className="text-zinc-900">{host}</strong> immediately, pending retries included, and its delivery log is deleted. This
          cannot be undone.
        </>
      }
      initial={{ confirm: "" }}
      schema={confirmSchema}
      fields={(v, set, errors) => (
        <Field id="delete-endpoint-confirm" label={`Type ${host} to confirm`} error={errors.confirm}>
          <Input
            id="delete-endpoint-confirm"
            autoComplete="off"
            spellCheck={false}
            value={v.confirm}
            onChange={(e) => set({ confirm: e.target.value })}
            aria-invalid={errors.confirm ? true : undefined}
            aria-describedby={errors.confirm ? "delete-endpoint-confirm-error" : undefined}
            autoFocus
          />
        </Field>
      )}
      pinTitle={`Delete ${host}?`}
      pinDescription={() => <>Nothing more is sent to it, and its delivery log is deleted.</>}
      confirmLabel="Delete endpoint"
      destructive
      run={async (_, stepUp) => {
        const result = await deleteWebhookEndpointAction({ endpointId, ...stepUp });
        if (result.ok) router.push("/webhooks");
        return result;
      }}
      success={() => `${host} deleted`}
    />
  );
}
