"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { Controller, useForm } from "react-hook-form";
import type { z } from "zod";
import { type StepUp, settlePinResult, StepUpDialog } from "@/components/auth/step-up-dialog";
import { SecretModal } from "@/components/keys/secret-modal";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toaster";
import { addWebhookEndpointAction } from "@/lib/actions/add-webhook-endpoint";
import { showFieldErrors } from "@/lib/actions/result";
import { WEBHOOK_DESCRIPTION_MAX, webhookEndpointForm } from "@/lib/schemas/webhooks";
import { useHydrated } from "@/lib/use-hydrated";
import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/event-types";

type Values = z.input<typeof webhookEndpointForm>;
const FIELDS = ["url", "eventTypes", "description"] as const;
const EMPTY: Values = { url: "", eventTypes: [], description: "" };

/** The event types as a checkbox group, with "Select all" (mixed while some are chosen). */
function EventTypeGroup({ value, onChange, error }: { value: string[]; onChange: (next: string[]) => void; error?: string }) {
  const all = useRef<HTMLInputElement>(null);
  const some = value.length > 0 && value.length < WEBHOOK_EVENT_TYPES.length;
  useEffect(() => {
    if (all.current) all.current.indeterminate = some;
  }, [some]);
  return (
    <fieldset aria-describedby={error ? "event-types-error" : "event-types-hint"} aria-invalid={error ? true : undefined} className="space-y-2">
      <legend className="text-sm font-medium text-zinc-800">Event types</legend>
      <p id="event-types-hint" className="text-sm text-zinc-500">
        Only these are sent to this endpoint.
      </p>
      <div className="flex items-center gap-2.5 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm font-medium text-zinc-900">
        <label className="flex items-center gap-2.5">
          <input
            ref={all}
            type="checkbox"
            className="size-4 accent-accent-600"
            checked={value.length === WEBHOOK_EVENT_TYPES.length}
            onChange={(e) => onChange(e.target.checked ? [...WEBHOOK_EVENT_TYPES] : [])}
          />
          Select all
        </label>
        <span className="ml-auto text-xs font-normal text-zinc-600 tabular" aria-live="polite">
          {value.length} of {WEBHOOK_EVENT_TYPES.length} chosen
        </span>
      </div>
      <ul className="grid max-h-64 grid-cols-1 gap-x-4 gap-y-1 overflow-y-auto rounded-md border border-zinc-200 px-3 py-2 sm:grid-cols-2">
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <li key={type}>
            <label className="flex items-start gap-2.5 py-1 text-sm">
              <input
                type="checkbox"
                className="mt-0.5 size-4 shrink-0 accent-accent-600"
                checked={value.includes(type)}
                onChange={(e) =>
                  onChange(e.target.checked ? WEBHOOK_EVENT_TYPES.filter((t) => t === type || value.includes(t)) : value.filter((t) => t !== type))
                }
              />
              <span className="min-w-0">
                <span className="block font-mono text-xs text-zinc-900">{type}</span>
                <span className="block text-xs text-zinc-600">{WEBHOOK_EVENT_LABELS[type]}</span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      {error ? (
        <p id="event-types-error" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/**
 * "Add endpoint": the URL, the event types and a description, checked here and again on the server;
 * then the PIN (or a passkey); then the signing secret, once.
 */
export function AddWebhookEndpoint({ disabledReason }: { disabledReason?: string }) {
  const hydrated = useHydrated();
  const router = useRouter();
  const [step, setStep] = useState<null | "form" | "confirm">(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ value: string; id: string } | null>(null);
  const {
    register,
    control,
    handleSubmit,
    setError,
    reset,
    getValues,
    formState: { errors },
  } = useForm<Values>({ resolver: zodResolver(webhookEndpointForm), defaultValues: EMPTY });

  function field(name: "url" | "description", id: string, hint?: boolean) {
    const error = errors[name]?.message;
    return { id, "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined, ...register(name) };
  }

  async function confirm(stepUp: StepUp) {
    const values = getValues();
    const result = await addWebhookEndpointAction({ ...values, ...stepUp });
    if (!result.ok && result.fieldErrors && Object.keys(result.fieldErrors).some((f) => f !== "pin" && f !== "passkey")) {
      setFormError(result.error);
      showFieldErrors(result.fieldErrors, FIELDS, setError);
      setStep("form");
      return { ok: true as const };
    }
    return settlePinResult(result, {
      close: () => setStep(null),
      success: () => {
        setStep(null);
        if (result.ok) setSecret({ value: result.data.secret, id: result.data.id });
      },
    });
  }

  return (
    <>
      <Button
        type="button"
        size="md"
        disabled={!hydrated || disabledReason !== undefined}
        aria-describedby={disabledReason ? "add-endpoint-reason" : undefined}
        onClick={() => {
          reset(EMPTY);
          setFormError(null);
          setStep("form");
        }}
      >
        <Plus aria-hidden /> Add endpoint
      </Button>
      {disabledReason ? (
        <span id="add-endpoint-reason" className="text-xs text-zinc-600">
          {disabledReason}
        </span>
      ) : null}
      <Dialog open={step === "form"} onOpenChange={(o) => setStep(o ? "form" : null)}>
        <DialogContent className="max-w-xl">
          <DialogTitle>Add a webhook endpoint</DialogTitle>
          <DialogDescription>Latchkey signs each event it sends to this URL; you see the signing secret once, after the PIN.</DialogDescription>
          <form
            className="mt-5 space-y-4"
            noValidate
            onSubmit={handleSubmit(() => {
              setFormError(null);
              setStep("confirm");
            })}
          >
            <FormAlert message={formError} />
            <Field id="webhook-url" label="Endpoint URL" hint="An https:// address your systems answer on." error={errors.url?.message}>
              <Input
                type="url"
                inputMode="url"
                autoComplete="off"
                spellCheck={false}
                placeholder="https://siem.example.com/latchkey"
                autoFocus
                {...field("url", "webhook-url", true)}
              />
            </Field>
            <Controller
              control={control}
              name="eventTypes"
              render={({ field: f, fieldState }) => <EventTypeGroup value={f.value as string[]} onChange={f.onChange} error={fieldState.error?.message} />}
            />
            <Field
              id="webhook-description"
              label="Description (optional)"
              hint={`Up to ${WEBHOOK_DESCRIPTION_MAX} characters.`}
              error={errors.description?.message}
            >
              <Input maxLength={WEBHOOK_DESCRIPTION_MAX * 2} {...field("description", "webhook-description", true)} />
            </Field>
            <DialogFooter>
              <Button type="button" variant="secondary" onClick={() => setStep(null)}>
                Cancel
              </Button>
              <Button type="submit">Continue</Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
      <StepUpDialog
        open={step === "confirm"}
        onOpenChange={(o) => setStep(o ? "confirm" : null)}
        title="Add the webhook endpoint"
        description={
          <>
            Events go to <strong className="break-all text-zinc-900">{getValues("url")}</strong>, signed with a new secret you see once, next.
          </>
        }
        confirmLabel="Add endpoint"
        onSubmit={confirm}
      />
      <SecretModal
        secret={secret?.value ?? null}
        title="Signing secret for the new endpoint"
        noun="signing secret"
        keptAs="sealed"
        warnAgainstSharing={false}
        onDone={() => {
          const id = secret?.id;
          setSecret(null);
          toast.success("Webhook endpoint added");
          if (id) router.push(`/webhooks/${id}`);
          else router.refresh();
        }}
      >
        <p className="mt-3 text-sm text-zinc-700">Give it to the system that receives the events: it verifies each event's signature with it.</p>
      </SecretModal>
    </>
  );
}
