"use client";

import { Plus } from "lucide-react";
import { useEffect, useRef } from "react";
import type { z } from "zod";
import { StepUpForm } from "@/components/admin/step-up-form";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { addWebhookEndpointAction } from "@/lib/actions/add-webhook-endpoint";
import { WEBHOOK_DESCRIPTION_MAX, webhookEndpointForm } from "@/lib/schemas/webhooks";
import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/event-types";

type Values = z.input<typeof webhookEndpointForm>;
const EMPTY: Values = { url: "", eventTypes: [], description: "" };

/** A text field's accessibility wiring: its error, else its hint. */
const described = (id: string, error: string | undefined) => ({
  id,
  "aria-invalid": error ? true : undefined,
  "aria-describedby": error ? `${id}-error` : `${id}-hint`,
});

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
 * then the PIN (or a passkey); then the signing secret, once, and the new endpoint's page.
 */
export function AddWebhookEndpoint({ disabledReason }: { disabledReason?: string }) {
  return (
    <StepUpForm<Values>
      trigger={
        <>
          <Plus aria-hidden /> Add endpoint
        </>
      }
      triggerVariant="primary"
      triggerSize="md"
      disabledReason={disabledReason}
      title="Add a webhook endpoint"
      description="Latchkey signs each event it sends to this URL; you see the signing secret once, after the PIN."
      dialogClassName="max-w-xl"
      initial={EMPTY}
      schema={webhookEndpointForm}
      fields={(values, set, errors) => (
        <>
          <Field id="webhook-url" label="Endpoint URL" hint="An https:// address your systems answer on." error={errors.url}>
            <Input
              type="url"
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
              placeholder="https://siem.example.com/latchkey"
              autoFocus
              value={values.url}
              onChange={(e) => set({ ...values, url: e.target.value })}
              {...described("webhook-url", errors.url)}
            />
          </Field>
          <EventTypeGroup
            value={values.eventTypes}
            onChange={(eventTypes) => set({ ...values, eventTypes: eventTypes as Values["eventTypes"] })}
            error={errors.eventTypes}
          />
          <Field id="webhook-description" label="Description (optional)" hint={`Up to ${WEBHOOK_DESCRIPTION_MAX} characters.`} error={errors.description}>
            <Input
              maxLength={WEBHOOK_DESCRIPTION_MAX * 2}
              value={values.description ?? ""}
              onChange={(e) => set({ ...values, description: e.target.value })}
              {...described("webhook-description", errors.description)}
            />
          </Field>
        </>
      )}
      pinTitle="Add the webhook endpoint"
      pinDescription={(values) => (
        <>
          Events go to <strong className="break-all text-zinc-900">{values.url}</strong>, signed with a new secret you see once, next.
        </>
      )}
      confirmLabel="Add endpoint"
      run={(values, stepUp) => addWebhookEndpointAction({ ...values, ...stepUp })}
      success={() => "Webhook endpoint added"}
      reveal={(result) => {
        const data = (result as { data: { id: string; secret: string } }).data;
        return {
          title: "Signing secret for the new endpoint",
          noun: "signing secret",
          secret: data.secret,
          keptAs: "sealed",
          warnAgainstSharing: false,
          goTo: `/webhooks/${data.id}`,
          extra: <p className="mt-3 text-sm text-zinc-700">Give it to the system that receives the events: it verifies each event's signature with it.</p>,
        };
      }}
    />
  );
}
