import { z } from "zod";
import { pinField } from "./keys";
import { CONTROL_CHARACTERS_MESSAGE, NO_CONTROL_CHARACTERS } from "./text";

/** A PIN-confirmed command's audit action, as a passkey challenge names it: `key.renew`, `member.passkeys_reset`. */
const stepUpAction = z
  .string({ error: "Unknown action" })
  .max(64, "Unknown action")
  .regex(/^[a-z_]+\.[a-z_]+$/, "Unknown action");
const stepUpTargetId = z.string({ error: "Unknown target" }).max(64, "Unknown target").regex(NO_CONTROL_CHARACTERS, "Unknown target").nullable();

export const startPasskeyStepUpSchema = z.strictObject({ action: stepUpAction, targetId: stepUpTargetId });

export const passkeyName = z
  .string({ error: "Name the passkey" })
  .trim()
  .min(1, "Name the passkey")
  .max(64, "Keep the name to 64 characters")
  .regex(NO_CONTROL_CHARACTERS, CONTROL_CHARACTERS_MESSAGE);

export const beginPasskeyRegistrationSchema = z.strictObject({ pin: pinField });
/** `response` is the browser's registration response, checked field by field by the command. */
export const finishPasskeyRegistrationSchema = z.strictObject({ name: passkeyName, response: z.unknown() });
export const removePasskeySchema = z.strictObject({ passkeyId: z.uuid({ error: "Unknown passkey" }), pin: pinField });
export const resetMemberPasskeysSchema = z.strictObject({ memberId: z.uuid({ error: "Unknown member" }), pin: pinField });
export const setPasskeyRequirementSchema = z.strictObject({ required: z.boolean({ error: "Choose on or off" }), pin: pinField });
