"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Loader2 } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { Input } from "@/components/ui/input";
import { acceptInvitationAction, joinWithInvitationAction } from "@/lib/actions/accept-invitation";
import { showFieldErrors } from "@/lib/actions/result";
import { acceptInvitationSchema } from "@/lib/schemas/members";
import { useHydrated } from "@/lib/use-hydrated";

type Values = z.input<typeof acceptInvitationSchema>;
const FIELDS = ["name", "password", "confirmPassword"] as const;

/** A new member's name and password; the PIN follows at their first sign-in. */
export function AcceptInvitationForm({ token, email }: { token: string; email: string }) {
  const hydrated = useHydrated();
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<Values>({ resolver: zodResolver(acceptInvitationSchema), defaultValues: { token, name: "", password: "", confirmPassword: "" } });

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    const result = await acceptInvitationAction(values);
    if (result && !result.ok) {
      setFormError(result.error);
      showFieldErrors(result.fieldErrors, FIELDS, setError);
    }
  });

  const described = (field: (typeof FIELDS)[number]) => ({
    "aria-invalid": errors[field] ? true : undefined,
    "aria-describedby": errors[field] ? `${field}-error` : undefined,
  });
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      <FormAlert message={formError} />
      <Field id="invite-email" label="Email">
        <Input id="invite-email" type="email" value={email} readOnly autoComplete="username" className="bg-zinc-50" />
      </Field>
      <Field id="name" label="Your name" error={errors.name?.message}>
        <Input id="name" autoComplete="name" autoFocus {...described("name")} {...register("name")} />
      </Field>
      <Field id="password" label="Choose a password" hint="At least 12 characters." error={errors.password?.message}>
        <Input id="password" type="password" autoComplete="new-password" {...described("password")} {...register("password")} />
      </Field>
      <Field id="confirmPassword" label="Repeat the password" error={errors.confirmPassword?.message}>
        <Input id="confirmPassword" type="password" autoComplete="new-password" {...described("confirmPassword")} {...register("confirmPassword")} />
      </Field>
      <Button type="submit" size="lg" className="w-full" disabled={!hydrated || isSubmitting}>
        {isSubmitting ? <Loader2 className="animate-spin" aria-hidden /> : null}
        {isSubmitting ? "Joining…" : "Join and continue to sign in"}
      </Button>
    </form>
  );
}

/** Someone already signed in as the invited address joins with one click. */
export function JoinWithInvitation({ token, orgName }: { token: string; orgName: string }) {
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  return (
    <div className="space-y-4">
      <FormAlert message={error} />
      <Button
        size="lg"
        className="w-full"
        disabled={!hydrated || pending}
        onClick={async () => {
          setPending(true);
          const result = await joinWithInvitationAction({ token });
          setPending(false);
          if (result && !result.ok) setError(result.error);
        }}
      >
        Join {orgName}
      </Button>
    </div>
  );
}
