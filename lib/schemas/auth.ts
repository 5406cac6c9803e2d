import { z } from "zod";

/** Sign-in form, checked in the browser and again on the server. */
export const signInSchema = z
  .object({
    email: z.string().trim().toLowerCase().min(1, "Enter your email address").max(254).email("Enter a valid email address"),
    password: z.string().min(1, "Enter your password").max(200, "That password is too long"),
  })
  .strict();

export type SignInInput = z.infer<typeof signInSchema>;

const SEQUENCE = "01234567890";
const REVERSE_SEQUENCE = "09876543210";

/** Why a 6-digit PIN is too easy to guess, or null when it is acceptable. */
export function trivialPinReason(pin: string): string | null {
  if (/^(\d)\1{5}$/.test(pin)) return "A PIN of one repeated digit is too easy to guess";
  if (SEQUENCE.includes(pin) || REVERSE_SEQUENCE.includes(pin)) return "A PIN of consecutive digits is too easy to guess";
  if (/^(\d\d)\1\1$/.test(pin) || /^(\d{3})\1$/.test(pin)) return "A PIN that repeats a pattern is too easy to guess";
  if (pin === [...pin].reverse().join("") && new Set(pin).size <= 3) return "That PIN is too easy to guess";
  return null;
}

export const pinSchema = z
  .string()
  .regex(/^\d{6}$/, "The PIN must be exactly 6 digits")
  .superRefine((pin, ctx) => {
    const reason = trivialPinReason(pin);
    if (reason) ctx.addIssue({ code: "custom", message: reason });
  });

export const setPinSchema = z
  .object({ pin: pinSchema, confirmPin: z.string() })
  .strict()
  .refine((v) => v.pin === v.confirmPin, { path: ["confirmPin"], message: "The two PINs do not match" });

export type SetPinInput = z.infer<typeof setPinSchema>;
