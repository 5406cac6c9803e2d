"use client";

import { KeyRound, Plus, RefreshCw } from "lucide-react";
import Link from "next/link";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { addApplicationAction } from "@/lib/actions/add-application";
import { rotateClientSecretAction } from "@/lib/actions/rotate-client-secret";
import { addApplicationSchema } from "@/lib/schemas/credentials";
import { cn } from "@/lib/utils";
import { StepUpForm } from "./step-up-form";

/**
 * Rotates an application's client secret with the PIN; the new one is shown once. For an application
 * whose secret was never shown (`issued` false: given to the organisation at approval) it issues the first.
 */
export function RotateSecret({ applicationId, name, issued = true }: { applicationId: string; name: string; issued?: boolean }) {
  return (
    <StepUpForm
      trigger={
        issued ? (
          <>
            <RefreshCw aria-hidden /> Rotate secret
          </>
        ) : (
          <>
            <KeyRound aria-hidden /> Issue secret
          </>
        )
      }
      triggerVariant={issued ? "secondary" : "primary"}
      title={issued ? `Rotate the secret of ${name}` : `Issue the secret of ${name}`}
      initial={{}}
      pinTitle={issued ? `Rotate the client secret of ${name}?` : `Issue the client secret of ${name}?`}
      pinDescription={() =>
        issued ? (
          <>A new secret replaces the current one. The old secret, and every access token issued with it, stop working immediately.</>
        ) : (
          <>The secret is shown once, now. Store it somewhere safe: it can never be shown again, only rotated.</>
        )
      }
      confirmLabel={issued ? "Rotate secret" : "Issue secret"}
      destructive={issued}
      run={(_, stepUp) => rotateClientSecretAction({ applicationId, ...stepUp })}
      success={() => (issued ? `Client secret of ${name} rotated` : `Client secret of ${name} issued`)}
      reveal={(result) => ({
        title: `New client secret for ${name}`,
        noun: "client secret",
        secret: (result as { data: { clientSecret: string } }).data.clientSecret,
      })}
    />
  );
}

export function AddApplication() {
  return (
    <StepUpForm
      trigger={
        <>
          <Plus aria-hidden /> Add application
        </>
      }
      triggerVariant="primary"
      triggerSize="md"
      title="Add an application"
      description="Each application gets its own client ID and secret; API keys belong to one application."
      initial={{ name: "" }}
      schema={addApplicationSchema.omit({ pin: true })}
      fields={(v, set, errors) => (
        <Field id="application-name" label="Application name" error={errors.name}>
          <Input
            id="application-name"
            value={v.name}
            onChange={(e) => set({ name: e.target.value })}
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? "application-name-error" : undefined}
            autoFocus
          />
        </Field>
      )}
      pinTitle="Create the application"
      pinDescription={(v) => (
        <>
          Create <strong className="text-zinc-900">{v.name}</strong> with a new client ID and secret.
        </>
      )}
      confirmLabel="Create application"
      run={(v, stepUp) => addApplicationAction({ ...v, ...stepUp })}
      success={(v) => `${v.name} created`}
      reveal={(result) => {
        const data = (result as { data: { id: string; clientId: string; clientSecret: string } }).data;
        return {
          title: "Client secret for the new application",
          noun: "client secret",
          secret: data.clientSecret,
          extra: (
            <p className="mt-3 text-sm text-zinc-700">
              Client ID <code className="font-mono text-xs text-zinc-900">{data.clientId}</code> — this one stays visible on the{" "}
              <Link className="font-medium text-accent-700 hover:underline" href={`/credentials/${data.id}`}>
                application&rsquo;s page
              </Link>
              .
            </p>
          ),
        };
      }}
    />
  );
}

/** The toggle between a business organisation's applications ("connected apps"), each its own view. */
export function ApplicationSwitcher({ applications, currentId }: { applications: { id: string; name: string }[]; currentId: string }) {
  return (
    <nav aria-label="Applications" className="flex flex-wrap gap-1.5">
      {applications.map((a) => (
        <Link
          key={a.id}
          href={`/credentials/${a.id}`}
          aria-current={a.id === currentId ? "page" : undefined}
          className={cn(
            "rounded-full border px-3 py-1 text-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600",
            a.id === currentId ? "border-accent-300 bg-accent-50 font-medium text-accent-800" : "border-zinc-200 bg-white text-zinc-700 hover:bg-zinc-50",
          )}
        >
          {a.name}
        </Link>
      ))}
    </nav>
  );
}

/** A private holder without its one application (approved before approval gave one) makes it here. */
export function CreateIndividualConnection() {
  return (
    <StepUpForm
      trigger={
        <>
          <Plus aria-hidden /> Create your connection
        </>
      }
      triggerVariant="primary"
      triggerSize="md"
      title="Create your connection"
      initial={{}}
      pinTitle="Create your Individual connection"
      pinDescription={() => <>It gets a client ID and a client secret; the secret is shown once, now.</>}
      confirmLabel="Create connection"
      run={(_, stepUp) => addApplicationAction({ name: "Individual connection", ...stepUp })}
      success={() => "Individual connection created"}
      reveal={(result) => ({
        title: "Client secret for your Individual connection",
        noun: "client secret",
        secret: (result as { data: { clientSecret: string } }).data.clientSecret,
      })}
    />
  );
}
