"use client";

import { useHydrated } from "@/lib/use-hydrated";
import { zodResolver } from "@hookform/resolvers/zod";
import { Loader2 } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { Input } from "@/components/ui/input";
import { showFieldErrors } from "@/lib/actions/result";
import { setPinAction } from "@/lib/actions/set-pin";
import { setPinSchema } from "@/lib/schemas/auth";

type Values = z.input<typeof setPinSchema>;

const pinInputProps = {
  type: "password",
  inputMode: "numeric",
  autoComplete: "new-password",
  maxLength: 6,
  pattern: "[0-9]*",
  className: "font-mono tracking-[0.5em] text-lg h-11",
} as const;

export function SetPinForm() {
  const hydrated = useHydrated();
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<Values>({ resolver: zodResolver(setPinSchema), defaultValues: { pin: "", confirmPin: "" } });

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    const result = await setPinAction(values);
    if (result && !result.ok) {
      setFormError(result.error);
      showFieldErrors(result.fieldErrors, ["pin", "confirmPin"], setError);
    }
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      <FormAlert message={formError} />
      <Field id="pin" label="New PIN" hint="6 digits. Not one repeated digit, not a run like 123456." error={errors.pin?.message}>
        <Input
          id="pin"
          autoFocus
          aria-invalid={errors.pin ? true : undefined}
          aria-describedby={errors.pin ? "pin-error" : "pin-hint"}
          {...pinInputProps}
          {...register("pin")}
        />
      </Field>
      <Field id="confirmPin" label="Repeat the PIN" error={errors.confirmPin?.message}>
        <Input
          id="confirmPin"
          aria-invalid={errors.confirmPin ? true : undefined}
          aria-describedby={errors.confirmPin ? "confirmPin-error" : undefined}
          {...pinInputProps}
          {...register("confirmPin")}
        />
      </Field>
      <Button type="submit" size="lg" className="w-full" disabled={!hydrated || isSubmitting}>
        {isSubmitting ? <Loader2 className="animate-spin" aria-hidden /> : null}
        {isSubmitting ? "Saving…" : "Set PIN and continue"}
      </Button>
    </form>
  );
}
