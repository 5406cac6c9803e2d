"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { CheckCircle2, Loader2 } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { Input } from "@/components/ui/input";
import { showFieldErrors } from "@/lib/actions/result";
import { setUpAccountAction } from "@/lib/actions/set-up-account";
import { setUpAccountSchema, type SetUpAccountInput } from "@/lib/schemas/set-up";
import { useHydrated } from "@/lib/use-hydrated";

const FIELDS = ["password", "confirmPassword", "pin", "confirmPin"] as const;

const pinInputProps = {
  type: "password",
  inputMode: "numeric",
  autoComplete: "new-password",
  maxLength: 6,
  pattern: "[0-9]*",
  className: "font-mono tracking-[0.5em] text-lg h-11",
} as const;

/** A new sign-in's password and PIN, chosen once through a set-up link. */
export function SetUpAccountForm({ token, email }: { token: string; email: string }) {
  const hydrated = useHydrated();
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<SetUpAccountInput>({
    resolver: zodResolver(setUpAccountSchema),
    defaultValues: { token, password: "", confirmPassword: "", pin: "", confirmPin: "" },
  });

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    const result = await setUpAccountAction(values);
    if (result.ok) return setDone(result.data.email);
    setFormError(result.error);
    showFieldErrors(result.fieldErrors, FIELDS, setError);
  });

  if (done) {
    return (
      <div role="status" className="space-y-4">
        <p className="flex items-start gap-2 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2.5 text-sm text-emerald-900">
          <CheckCircle2 className="mt-0.5 size-4 shrink-0" aria-hidden />
          Your password and PIN are set. This link no longer works.
        </p>
        <Button asChild size="lg" className="w-full">
          <Link href={`/sign-in?email=${encodeURIComponent(done)}`}>Continue to sign in</Link>
        </Button>
      </div>
    );
  }

  const described = (field: (typeof FIELDS)[number], hint = false) => ({
    "aria-invalid": errors[field] ? true : undefined,
    "aria-describedby": errors[field] ? `${field}-error` : hint ? `${field}-hint` : undefined,
  });
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      <FormAlert message={formError ?? errors.token?.message ?? null} />
      <Field id="set-up-email" label="Email">
        <Input id="set-up-email" type="email" value={email} readOnly autoComplete="username" className="bg-zinc-50" />
      </Field>
      <Field id="password" label="Choose a password" hint="At least 12 characters." error={errors.password?.message}>
        <Input id="password" type="password" autoComplete="new-password" autoFocus {...described("password", true)} {...register("password")} />
      </Field>
      <Field id="confirmPassword" label="Repeat the password" error={errors.confirmPassword?.message}>
        <Input id="confirmPassword" type="password" autoComplete="new-password" {...described("confirmPassword")} {...register("confirmPassword")} />
      </Field>
      <Field id="pin" label="Choose a PIN" hint="6 digits. Not one repeated digit, not a run like 123456." error={errors.pin?.message}>
        <Input id="pin" {...pinInputProps} {...described("pin", true)} {...register("pin")} />
      </Field>
      <Field id="confirmPin" label="Repeat the PIN" error={errors.confirmPin?.message}>
        <Input id="confirmPin" {...pinInputProps} {...described("confirmPin")} {...register("confirmPin")} />
      </Field>
      <Button type="submit" size="lg" className="w-full" disabled={!hydrated || isSubmitting}>
        {isSubmitting ? <Loader2 className="animate-spin" aria-hidden /> : null}
        {isSubmitting ? "Saving…" : "Set password and PIN"}
      </Button>
    </form>
  );
}
