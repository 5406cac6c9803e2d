"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Loader2, LockKeyhole } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "@/components/ui/toaster";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogTitle } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { Input } from "@/components/ui/input";
import { changePasswordAction } from "@/lib/actions/change-password";
import { showFieldErrors } from "@/lib/actions/result";
import { changePasswordSchema } from "@/lib/schemas/account";
import { useHydrated } from "@/lib/use-hydrated";

type Values = z.input<typeof changePasswordSchema>;
const FIELDS = ["currentPassword", "newPassword", "confirmNewPassword"] as const;
const EMPTY: Values = { currentPassword: "", newPassword: "", confirmNewPassword: "" };

/** "Change password": the current one, the new one twice. Other sessions end; this one stays. */
export function ChangePasswordButton() {
  const hydrated = useHydrated();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isSubmitting },
  } = useForm<Values>({ resolver: zodResolver(changePasswordSchema), defaultValues: EMPTY });

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    const result = await changePasswordAction(values);
    if (!result.ok) {
      setFormError(result.error);
      showFieldErrors(result.fieldErrors, FIELDS, setError);
      return;
    }
    setOpen(false);
    const ended = result.data.sessionsEnded;
    toast.success(ended ? `Password changed; ${ended} other ${ended === 1 ? "session" : "sessions"} ended` : "Password changed");
    router.refresh();
  });

  function field(name: (typeof FIELDS)[number], id: string) {
    const error = errors[name]?.message;
    return { id, "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${id}-error` : undefined, ...register(name) };
  }

  return (
    <>
      <Button
        type="button"
        variant="secondary"
        size="sm"
        disabled={!hydrated}
        onClick={() => {
          reset(EMPTY);
          setFormError(null);
          setOpen(true);
        }}
      >
        <LockKeyhole aria-hidden /> Change password
      </Button>
      <Dialog open={open} onOpenChange={(next) => !isSubmitting && setOpen(next)}>
        <DialogContent>
          <DialogTitle>Change your password</DialogTitle>
          <DialogDescription>Your other sessions end when it changes; this one stays signed in.</DialogDescription>
          <form className="mt-5 space-y-4" noValidate onSubmit={onSubmit}>
            <FormAlert message={formError} />
            <Field id="current-password" label="Current password" error={errors.currentPassword?.message}>
              <Input type="password" autoComplete="current-password" autoFocus {...field("currentPassword", "current-password")} />
            </Field>
            <Field id="new-password" label="New password" hint="At least 12 characters." error={errors.newPassword?.message}>
              <Input
                type="password"
                autoComplete="new-password"
                {...field("newPassword", "new-password")}
                aria-describedby={errors.newPassword ? "new-password-error" : "new-password-hint"}
              />
            </Field>
            <Field id="confirm-new-password" label="Repeat the new password" error={errors.confirmNewPassword?.message}>
              <Input type="password" autoComplete="new-password" {...field("confirmNewPassword", "confirm-new-password")} />
            </Field>
            <DialogFooter>
              <Button type="button" variant="secondary" onClick={() => setOpen(false)} disabled={isSubmitting}>
                Cancel
              </Button>
              <Button type="submit" disabled={isSubmitting}>
                {isSubmitting ? <Loader2 className="animate-spin" aria-hidden /> : null}
                {isSubmitting ? "Changing…" : "Change password"}
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
    </>
  );
}
