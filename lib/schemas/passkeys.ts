import { z } from "zod";
import { pinField } from "./keys";
import { CONTROL_CHARACTERS_MESSAGE, NO_CONTROL_CHARACTERS } from "./text";

export const PASSKEY_NAME_MAX = 64;

export const passkeyName = z
  .string({ error: "Name the passkey" })
  .trim()
  .min(1, "Name the passkey")
  .max(PASSKEY_NAME_MAX, `Keep the name to ${PASSKEY_NAME_MAX} characters`)
  .regex(NO_CONTROL_CHARACTERS, CONTROL_CHARACTERS_MESSAGE);

/** The "Add a passkey" form, checked before the confirmation is asked for. */
export const passkeyNameForm = z.object({ name: passkeyName });

export const beginPasskeyRegistrationSchema = z.strictObject({ pin: pinField });
/** `response` is the browser's registration response, checked field by field by the command. */
export const finishPasskeyRegistrationSchema = z.strictObject({ name: passkeyName, response: z.unknown() });
export const removePasskeySchema = z.strictObject({ passkeyId: z.uuid({ error: "Unknown passkey" }), pin: pinField });
export const resetMemberPasskeysSchema = z.strictObject({ memberId: z.uuid({ error: "Unknown member" }), pin: pinField });
export const setPasskeyRequirementSchema = z.strictObject({ required: z.boolean({ error: "Choose on or off" }), pin: pinField });
