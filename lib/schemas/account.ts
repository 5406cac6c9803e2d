import { z } from "zod";
import { pinSchema } from "./auth";
import { pinField } from "./keys";

/** "Sign out of all other sessions": nothing but the PIN — the sessions are always the actor's own. */
export const signOutOtherSessionsSchema = z.strictObject({ pin: pinField });

/** The new PIN, twice: checked in the form before the current PIN is asked for. */
export const newPinSchema = z
  .strictObject({ newPin: pinSchema, confirmNewPin: z.string().max(6, "The two PINs do not match") })
  .refine((v) => v.newPin === v.confirmNewPin, { path: ["confirmNewPin"], message: "The two PINs do not match" });
export type NewPinInput = z.infer<typeof newPinSchema>;

/** Changing the PIN: the new one twice, confirmed with the current one. */
export const changePinSchema = z
  .strictObject({ newPin: pinSchema, confirmNewPin: z.string().max(6, "The two PINs do not match"), pin: pinField })
  .refine((v) => v.newPin === v.confirmNewPin, { path: ["confirmNewPin"], message: "The two PINs do not match" });

/** The same rule as a password chosen when joining. */
const newPassword = z.string().min(12, "Use at least 12 characters").max(200, "That password is too long");

export const changePasswordSchema = z
  .strictObject({
    currentPassword: z.string().min(1, "Enter your current password").max(200, "That password is too long"),
    newPassword,
    confirmNewPassword: z.string().max(200, "The two passwords do not match"),
  })
  .refine((v) => v.newPassword === v.confirmNewPassword, { path: ["confirmNewPassword"], message: "The two passwords do not match" });
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;
