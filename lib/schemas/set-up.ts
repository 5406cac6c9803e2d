import { z } from "zod";
import { pinSchema } from "./auth";
import { CONTROL_CHARACTERS_MESSAGE, NO_CONTROL_CHARACTERS } from "./text";

/** A set-up link's token: `lksu_` and 32 random bytes, base64url. */
export const SET_UP_TOKEN = /^lksu_[A-Za-z0-9_-]{43}$/;

/** The one answer for a used, expired, replaced or unknown link: it says nothing more. */
export const SET_UP_LINK_INVALID = "This set-up link is no longer valid";

const email = z.string().trim().toLowerCase().min(1, "Enter an email address").max(254, "That email address is too long").email("Enter a valid email address");

/** `npm run operator:create -- --email … [--name …]`. */
export const createOperatorSchema = z.strictObject({
  email,
  name: z.string().trim().min(1, "Enter a name").max(100, "Keep the name to 100 characters").regex(NO_CONTROL_CHARACTERS, CONTROL_CHARACTERS_MESSAGE),
});
export type CreateOperatorInput = z.infer<typeof createOperatorSchema>;

/** The same length rule as an invitation's password (lib/schemas/members.ts); control characters are refused. */
const newPassword = z
  .string()
  .min(12, "Use at least 12 characters")
  .max(200, "That password is too long")
  .regex(NO_CONTROL_CHARACTERS, CONTROL_CHARACTERS_MESSAGE);

/** The set-up page's form: the link's token, a password and a PIN, each typed twice. */
export const setUpAccountSchema = z
  .strictObject({
    token: z.string().max(100, SET_UP_LINK_INVALID).regex(SET_UP_TOKEN, SET_UP_LINK_INVALID),
    password: newPassword,
    confirmPassword: z.string().max(200, "That password is too long"),
    pin: pinSchema,
    confirmPin: z.string().max(6, "The two PINs do not match"),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The two passwords do not match" })
  .refine((v) => v.pin === v.confirmPin, { path: ["confirmPin"], message: "The two PINs do not match" });
export type SetUpAccountInput = z.input<typeof setUpAccountSchema>;
