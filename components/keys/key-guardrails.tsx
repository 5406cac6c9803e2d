"use client";

import { CircleStop, Pencil } from "lucide-react";
import { z } from "zod";
import { PinForm } from "@/components/admin/pin-form";
import { Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { endPreviousSecretAction } from "@/lib/actions/end-previous-secret";
import { setKeyAllowlistAction } from "@/lib/actions/set-key-allowlist";
import { formatDateTime } from "@/lib/format";
import { describeAllowlist, splitAllowlistText } from "@/lib/schemas/ip-allowlist";
import { allowlistTextField } from "@/lib/schemas/keys";

const allowlistForm = z.object({ allowedIpsText: allowlistTextField });

/** "Change" beside a key's allowlist: the list as text, checked as typed, then the PIN. */
export function ChangeAllowlist({ keyId, alias, allowedIps }: { keyId: string; alias: string; allowedIps: string[] }) {
  return (
    <PinForm
      trigger={
        <>
          <Pencil aria-hidden /> Change<span className="sr-only"> where “{alias}” may be used from</span>
        </>
      }
      triggerVariant="ghost"
      title="Where the key may be used from"
      description="One IPv4 or IPv6 address or CIDR range per line, up to 20. Leave it empty to allow any address. The change applies to the key's next call."
      initial={{ allowedIpsText: allowedIps.join("\n") }}
      schema={allowlistForm}
      fields={(v, set, errors) => {
        const error = errors.allowedIpsText ?? errors.allowedIps;
        return (
          <Field id="key-allowlist" label="Allowed IP addresses" error={error}>
            <Textarea
              id="key-allowlist"
              rows={5}
              spellCheck={false}
              autoComplete="off"
              autoFocus
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "key-allowlist-error" : undefined}
              value={v.allowedIpsText}
              onChange={(e) => set({ allowedIpsText: e.target.value })}
            />
          </Field>
        );
      }}
      pinTitle={`Change where “${alias}” may be used from`}
      pinDescription={(v) => <>{describeAllowlist(splitAllowlistText(v.allowedIpsText))}. Calls from anywhere else are refused from the next one on.</>}
      confirmLabel="Save"
      run={(v, pin) => setKeyAllowlistAction({ keyId, allowedIps: splitAllowlistText(v.allowedIpsText), pin })}
      success={(v) =>
        splitAllowlistText(v.allowedIpsText).length ? `“${alias}” now works only from its listed addresses` : `“${alias}” now works from any address`
      }
    />
  );
}

/** "Stop the old secret now": ends a regeneration's overlap early, with the PIN. */
export function StopOldSecret({ keyId, alias, previousPrefix, until }: { keyId: string; alias: string; previousPrefix: string; until: string }) {
  return (
    <PinForm
      trigger={
        <>
          <CircleStop aria-hidden /> Stop the old secret now
        </>
      }
      title="Stop the old secret now"
      initial={{}}
      pinTitle={`Stop the old secret of “${alias}”`}
      pinDescription={() => (
        <>
          Calls using <span className="font-mono">{previousPrefix}…</span> fail from the next one on, instead of at {formatDateTime(new Date(until))}. The new
          secret keeps working.
        </>
      )}
      confirmLabel="Stop it"
      destructive
      run={(_, pin) => endPreviousSecretAction({ keyId, pin })}
      success={() => `The old secret of “${alias}” no longer works`}
    />
  );
}
