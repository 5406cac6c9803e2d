"use client";

import { Plus, RefreshCw } from "lucide-react";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { addApplicationAction } from "@/lib/actions/add-application";
import { rotateClientSecretAction } from "@/lib/actions/rotate-client-secret";
import { addApplicationSchema } from "@/lib/schemas/credentials";
import { PinForm } from "./pin-form";

export function RotateSecret({ applicationId, name }: { applicationId: string; name: string }) {
  return (
    <PinForm
      trigger={
        <>
          <RefreshCw aria-hidden /> Rotate secret
        </>
      }
      title={`Rotate the secret of ${name}`}
      initial={{}}
      pinTitle={`Rotate the client secret of ${name}?`}
      pinDescription={() => <>A new secret replaces the current one. The old secret, and every access token issued with it, stop working immediately.</>}
      confirmLabel="Rotate secret"
      destructive
      run={(_, pin) => rotateClientSecretAction({ applicationId, pin })}
      success={() => `Client secret of ${name} rotated`}
      reveal={(result) => ({ title: `New client secret for ${name}`, noun: "client secret", secret: (result as { data: { clientSecret: string } }).data.clientSecret })}
    />
  );
}

export function AddApplication() {
  return (
    <PinForm
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
      run={(v, pin) => addApplicationAction({ ...v, pin })}
      success={(v) => `${v.name} created`}
      reveal={(result) => {
        const data = (result as { data: { clientId: string; clientSecret: string } }).data;
        return {
          title: "Client secret for the new application",
          noun: "client secret",
          secret: data.clientSecret,
          extra: (
            <p className="mt-3 text-sm text-zinc-700">
              Client ID <code className="font-mono text-xs text-zinc-900">{data.clientId}</code> — this one stays visible on the page.
            </p>
          ),
        };
      }}
    />
  );
}
