"use server";

import { action } from "@/lib/auth/action";
import { setPasskeyRequirement } from "@/lib/organisations/set-passkey-requirement";

/** Turns on or off the passkey requirement for actions that move money (Superadmin, PIN or a passkey). */
export const setPasskeyRequirementAction = action(setPasskeyRequirement, { revalidate: ["/settings"] });
