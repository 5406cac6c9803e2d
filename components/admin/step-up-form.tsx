"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type ReactNode } from "react";
import { toast } from "@/components/ui/toaster";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogTitle } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/form-alert";
import { LazyStepUpDialog } from "@/components/auth/lazy-step-up-dialog";
import { type ActionOutcome, type StepUp, settlePinResult } from "@/components/auth/step-up-outcome";
import { SecretModal } from "@/components/keys/secret-modal";
import { preloadOn } from "@/components/ui/lazy-dialog";
import { fieldErrorsOf } from "@/lib/actions/result";
import { useHydrated } from "@/lib/use-hydrated";
import type { ZodType } from "zod";

type Result = ActionOutcome & { data?: unknown };

const schemaOf = async (schema: ZodType | (() => Promise<ZodType>) | undefined) => (typeof schema === "function" ? schema() : schema);

export interface Reveal {
  title: string;
  noun: string;
  secret: string;
  keptAs?: "fingerprint" | "sealed";
  /** Whether the modal warns against sharing the secret (a secret made to be given to another system: no). */
  warnAgainstSharing?: boolean;
  extra?: ReactNode;
  /** Where to go once the modal is closed (the new thing's page); the page is refreshed otherwise. */
  goTo?: string;
}

/**
 * One administrative step confirmed with a passkey or the PIN: a button, an optional form, the PIN dialog, and
 * on success a toast and a refreshed page — or, for a new secret, the one-time secret modal first.
 * A refusal naming fields takes the person back to the form with the messages beside the fields.
 */
export function StepUpForm<V>({
  trigger,
  triggerVariant = "secondary",
  triggerSize = "sm",
  disabledReason,
  title,
  description,
  dialogClassName,
  initial,
  fields,
  schema,
  pinTitle,
  pinDescription,
  confirmLabel,
  destructive = false,
  run,
  success,
  reveal,
}: {
  trigger: ReactNode;
  triggerVariant?: "primary" | "secondary" | "ghost" | "destructive";
  triggerSize?: "sm" | "md";
  /** Why the button is disabled, for a role that may not do this; enabled when undefined. */
  disabledReason?: string;
  title: string;
  description?: ReactNode;
  /** The form dialog's own classes (a wider one, say). */
  dialogClassName?: string;
  initial: V;
  /** The form's fields; without them the button goes straight to the PIN. */
  fields?: (values: V, set: (next: V) => void, errors: Record<string, string>) => ReactNode;
  /**
   * Checked before the PIN is asked for (the server checks again); its messages go beside the fields.
   * A loader (`() => import("…").then((m) => m.schema)`) keeps the schema's code out of the page until
   * the form is opened.
   */
  schema?: ZodType | (() => Promise<ZodType>);
  pinTitle: string;
  pinDescription: (values: V) => ReactNode;
  confirmLabel: string;
  destructive?: boolean;
  run: (values: V, stepUp: StepUp) => Promise<Result>;
  success: (values: V, result: Result) => string;
  reveal?: (result: Result) => Reveal;
}) {
  const router = useRouter();
  const hydrated = useHydrated();
  const reasonId = useId();
  const [step, setStep] = useState<null | "form" | "confirm">(null);
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [shown, setShown] = useState<Reveal | null>(null);
  const [pendingToast, setPendingToast] = useState<string | null>(null);

  function open() {
    setValues(initial);
    setErrors({});
    setFormError(null);
    setStep(fields ? "form" : "confirm");
    // A lazily loaded schema starts loading as its form opens.
    if (fields) void schemaOf(schema);
  }

  async function confirm(stepUp: StepUp) {
    const result = await run(values, stepUp);
    if (!result.ok && result.fieldErrors && Object.keys(result.fieldErrors).some((f) => f !== "pin" && f !== "passkey") && fields) {
      setErrors(result.fieldErrors);
      setFormError(result.error ?? null);
      setStep("form");
      return { ok: true as const };
    }
    return settlePinResult(result, {
      close: () => setStep(null),
      success: () => {
        setStep(null);
        const message = success(values, result);
        if (reveal) {
          setShown(reveal(result));
          setPendingToast(message);
        } else {
          toast.success(message);
          router.refresh();
        }
      },
    });
  }

  return (
    <>
      <Button
        type="button"
        variant={triggerVariant}
        size={triggerSize}
        disabled={!hydrated || disabledReason !== undefined}
        aria-describedby={disabledReason ? reasonId : undefined}
        {...preloadOn(LazyStepUpDialog)}
        onClick={open}
      >
        {trigger}
      </Button>
      {disabledReason ? (
        // Visible, not a tooltip: keyboard and touch users see why too.
        <span id={reasonId} className="text-xs text-zinc-600">
          {disabledReason}
        </span>
      ) : null}
      {fields ? (
        <Dialog open={step === "form"} onOpenChange={(o) => setStep(o ? "form" : null)}>
          <DialogContent className={dialogClassName}>
            <DialogTitle>{title}</DialogTitle>
            {description ? <DialogDescription>{description}</DialogDescription> : null}
            <form
              className="mt-5 space-y-4"
              noValidate
              onSubmit={async (e) => {
                e.preventDefault();
                setFormError(null);
                const checked = (await schemaOf(schema))?.safeParse(values);
                if (checked && !checked.success) {
                  setErrors(fieldErrorsOf(checked.error));
                  return;
                }
                setErrors({});
                setStep("confirm");
              }}
            >
              <FormAlert message={formError} />
              {fields(values, setValues, errors)}
              <DialogFooter>
                <Button type="button" variant="secondary" onClick={() => setStep(null)}>
                  Cancel
                </Button>
                <Button type="submit">Continue</Button>
              </DialogFooter>
            </form>
          </DialogContent>
        </Dialog>
      ) : null}
      <LazyStepUpDialog
        open={step === "confirm"}
        onOpenChange={(o) => setStep(o ? "confirm" : null)}
        title={pinTitle}
        description={pinDescription(values)}
        confirmLabel={confirmLabel}
        destructive={destructive}
        onSubmit={confirm}
      />
      {reveal ? (
        <SecretModal
          secret={shown?.secret ?? null}
          title={shown?.title ?? ""}
          noun={shown?.noun}
          keptAs={shown?.keptAs}
          warnAgainstSharing={shown?.warnAgainstSharing}
          onDone={() => {
            const goTo = shown?.goTo;
            setShown(null);
            if (pendingToast) toast.success(pendingToast);
            if (goTo) router.push(goTo);
            else router.refresh();
          }}
        >
          {shown?.extra}
        </SecretModal>
      ) : null}
    </>
  );
}
