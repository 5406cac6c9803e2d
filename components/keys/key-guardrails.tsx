"use client";

import { CircleStop, Pencil } from "lucide-react";
import { StepUpForm } from "@/components/admin/step-up-form";
import { Field } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { endPreviousSecretAction } from "@/lib/actions/end-previous-secret";
import { setKeyAllowlistAction } from "@/lib/actions/set-key-allowlist";
import { setKeyLimitsAction } from "@/lib/actions/set-key-limits";
import { formatDateTime } from "@/lib/format";
import { describeAllowlist, splitAllowlistText } from "@/lib/schemas/allowlist-text";
import { describeLimits, parseMajorUnits } from "@/lib/schemas/limit-text";

/** "Change" beside a key's allowlist: the list as text, checked as typed, then the PIN. */
export function ChangeAllowlist({ keyId, alias, allowedIps }: { keyId: string; alias: string; allowedIps: string[] }) {
  return (
    <StepUpForm
      trigger={
        <>
          <Pencil aria-hidden /> Change<span className="sr-only"> where “{alias}” may be used from</span>
        </>
      }
      triggerVariant="ghost"
      title="Where the key may be used from"
      description="One IPv4 or IPv6 address or CIDR range per line, up to 20. Leave it empty to allow any address. The change applies to the key's next call."
      initial={{ allowedIpsText: allowedIps.join("\n") }}
      schema={() => import("./key-guardrails-rules").then((m) => m.allowlistForm)}
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
      run={(v, stepUp) => setKeyAllowlistAction({ keyId, allowedIps: splitAllowlistText(v.allowedIpsText), ...stepUp })}
      success={(v) =>
        splitAllowlistText(v.allowedIpsText).length ? `“${alias}” now works only from its listed addresses` : `“${alias}” now works from any address`
      }
    />
  );
}

/** "Stop the old secret now": ends a regeneration's overlap early, with the PIN. */
export function StopOldSecret({ keyId, alias, previousPrefix, until }: { keyId: string; alias: string; previousPrefix: string; until: string }) {
  return (
    <StepUpForm
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
      run={(_, stepUp) => endPreviousSecretAction({ keyId, ...stepUp })}
      success={() => `The old secret of “${alias}” no longer works`}
    />
  );
}

const majorUnits = (minor: string | null) => (minor === null ? "" : (Number(minor) / 100).toFixed(2));
const limitOf = (text: string) => {
  const parsed = parseMajorUnits(text);
  return typeof parsed === "number" ? parsed : null;
};

/** "Change" beside a money-moving key's payment limits: both amounts in major units, then the PIN. */
export function ChangeLimits({
  keyId,
  alias,
  currency,
  maxPerPayment,
  maxPerDay,
}: {
  keyId: string;
  alias: string;
  /** The currency of the key's accounts when they share one. */
  currency: string | null;
  /** Minor units, as decimal strings (bigint does not cross to the browser as a prop). */
  maxPerPayment: string | null;
  maxPerDay: string | null;
}) {
  const unit = currency ? ` (${currency})` : "";
  return (
    <StepUpForm
      trigger={
        <>
          <Pencil aria-hidden /> Change<span className="sr-only"> the payment limits of “{alias}”</span>
        </>
      }
      triggerVariant="ghost"
      title="Payment limits"
      description={`In major units${currency ? ` of ${currency}` : " of each account's currency"}. Leave a field empty for no limit. What the key moved today still counts.`}
      initial={{ maxPerPaymentText: majorUnits(maxPerPayment), maxPerDayText: majorUnits(maxPerDay) }}
      schema={() => import("./key-guardrails-rules").then((m) => m.limitsForm)}
      fields={(v, set, errors) => (
        <>
          {(
            [
              ["maxPerPaymentText", "maxPerPayment", `Most per transfer or payment${unit}`],
              ["maxPerDayText", "maxPerDay", `Most per day${unit}`],
            ] as const
          ).map(([name, serverName, label]) => {
            const error = errors[name] ?? errors[serverName];
            const id = `key-${name}`;
            return (
              <Field key={name} id={id} label={label} error={error}>
                <Input
                  id={id}
                  inputMode="decimal"
                  autoComplete="off"
                  placeholder="No limit"
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `${id}-error` : undefined}
                  value={v[name]}
                  onChange={(e) => set({ ...v, [name]: e.target.value })}
                />
              </Field>
            );
          })}
        </>
      )}
      pinTitle={`Change the payment limits of “${alias}”`}
      pinDescription={(v) => (
        <>{describeLimits({ maxPerPayment: limitOf(v.maxPerPaymentText), maxPerDay: limitOf(v.maxPerDayText) }, currency)}, from the next call on.</>
      )}
      confirmLabel="Save"
      run={(v, stepUp) => setKeyLimitsAction({ keyId, maxPerPayment: limitOf(v.maxPerPaymentText), maxPerDay: limitOf(v.maxPerDayText), ...stepUp })}
      success={() => `The payment limits of “${alias}” are saved`}
    />
  );
}
