"use server";

import { action } from "@/lib/auth/action";
import { resetMemberPasskeys } from "@/lib/passkeys/reset-member-passkeys";

/** Removes every passkey of a member who lost theirs (members:manage over that member, PIN or a passkey). */
export const resetMemberPasskeysAction = action(resetMemberPasskeys, { revalidate: ["/members"], result: ({ removed }) => ({ removed }) });
