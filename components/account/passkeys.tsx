"use client";

import type { RegistrationResponseJSON } from "@simplewebauthn/browser";
import { Fingerprint, Plus, Trash2 } from "lucide-react";
import { SettingToggle } from "@/components/account/setting-toggle";
import { StepUpForm } from "@/components/admin/step-up-form";
import { RelativeTime } from "@/components/keys/relative-time";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { beginPasskeyRegistrationAction } from "@/lib/actions/begin-passkey-registration";
import { finishPasskeyRegistrationAction } from "@/lib/actions/finish-passkey-registration";
import { removePasskeyAction } from "@/lib/actions/remove-passkey";
import { setPasskeyRequirementAction } from "@/lib/actions/set-passkey-requirement";

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** Why the browser could not make or use a passkey, in words. */
function creationFailure(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "InvalidStateError") return "This device already holds one of your passkeys. Use another device or security key.";
  return "The passkey was not created: it was cancelled or took too long. Try again.";
}

/** "Add a passkey": a name, the PIN (or a passkey already added), then the device makes the new passkey. */
export function AddPasskeyButton({ count, max }: { count: number /** As many as one person may hold (lib/passkeys/relying-party.ts). */; max: number }) {
  return (
    <StepUpForm
      trigger={
        <>
          <Plus aria-hidden /> Add a passkey
        </>
      }
      triggerVariant={count ? "secondary" : "primary"}
      disabledReason={count >= max ? `You have ${max} passkeys, the most one person may have. Remove one to add another.` : undefined}
      title="Add a passkey"
      description="Name it after the device or security key that holds it, so you can tell your passkeys apart."
      initial={{ name: "" }}
      schema={() => import("@/lib/schemas/passkeys").then((m) => m.passkeyNameForm)}
      fields={(v, set, errors) => (
        <Field id="passkey-name" label="Name" hint="Like “Work laptop” or “YubiKey 5C”." error={errors.name}>
          <Input
            id="passkey-name"
            value={v.name}
            // As lib/schemas/passkeys.ts allows (PASSKEY_NAME_MAX); importing it would load zod with the page.
            maxLength={64}
            autoComplete="off"
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? "passkey-name-error" : "passkey-name-hint"}
            onChange={(e) => set({ name: e.target.value })}
          />
        </Field>
      )}
      pinTitle="Confirm it is you"
      pinDescription={(v) => <>Then your device asks you to create the passkey “{v.name.trim()}”.</>}
      confirmLabel="Continue"
      run={async (v, stepUp) => {
        const begun = await beginPasskeyRegistrationAction(stepUp);
        if (!begun.ok) return begun;
        const { startRegistration } = await import("@simplewebauthn/browser");
        let response: RegistrationResponseJSON;
        try {
          response = await startRegistration({ optionsJSON: begun.data.options });
        } catch (error) {
          return { ok: false, error: creationFailure(error), code: "passkey_invalid" };
        }
        return finishPasskeyRegistrationAction({ name: v.name, response });
      }}
      success={(v) => `Passkey “${v.name.trim()}” added`}
    />
  );
}

/** "Remove" on one passkey, confirmed with the PIN or a passkey (this one included). */
export function RemovePasskeyButton({ passkey }: { passkey: PasskeyView }) {
  return (
    <StepUpForm
      trigger={
        <>
          <Trash2 aria-hidden /> Remove<span className="sr-only"> the passkey {passkey.name}</span>
        </>
      }
      triggerVariant="ghost"
      title={`Remove “${passkey.name}”`}
      initial={{}}
      pinTitle={`Remove the passkey “${passkey.name}”?`}
      pinDescription={() => "It can no longer confirm your actions. Your PIN and your other passkeys keep working."}
      confirmLabel="Remove"
      destructive
      run={(_, stepUp) => removePasskeyAction({ passkeyId: passkey.id, ...stepUp })}
      success={() => `Passkey “${passkey.name}” removed`}
    />
  );
}

/** The member's passkeys: name, when added, when last used, and Remove. */
export function PasskeyList({ passkeys, now }: { passkeys: PasskeyView[]; now: Date }) {
  if (!passkeys.length) {
    return <p className="px-5 py-4 text-sm text-zinc-600">No passkeys yet. Until you add one, your PIN confirms every sensitive action.</p>;
  }
  return (
    <ul aria-label="Your passkeys" className="divide-y divide-zinc-100">
      {passkeys.map((passkey) => (
        <li key={passkey.id} className="flex flex-wrap items-center gap-3 px-5 py-4">
          <Fingerprint className="size-5 shrink-0 text-zinc-500" aria-hidden />
          <div className="min-w-0 flex-1">
            <p className="text-sm font-medium break-words text-zinc-900">{passkey.name}</p>
            <p className="mt-0.5 text-sm text-zinc-500">
              Added <RelativeTime date={passkey.createdAt} now={now} />
              <span aria-hidden> · </span>
              {passkey.lastUsedAt ? (
                <>
                  Last used <RelativeTime date={passkey.lastUsedAt} now={now} />
                </>
              ) : (
                "Not used yet"
              )}
            </p>
          </div>
          <RemovePasskeyButton passkey={passkey} />
        </li>
      ))}
    </ul>
  );
}

/** The Settings toggle: "require a passkey for actions that move money", on or off by the Superadmin. */
export function PasskeyRequirementToggle({ required }: { required: boolean }) {
  return (
    <SettingToggle
      on={required}
      title="Money needs a passkey"
      turnOn={{
        title: "Require a passkey for money",
        description:
          "From now on, approving a payment and creating, regenerating or approving a key that can move money needs a passkey: the PIN alone is refused.",
        success: "Money now needs a passkey",
      }}
      turnOff={{
        title: "Let the PIN confirm money again",
        description: "Members may again confirm payments and keys that can move money with their PIN alone.",
        success: "The PIN confirms money again",
      }}
      run={(next, stepUp) => setPasskeyRequirementAction({ required: next, ...stepUp })}
    />
  );
}
