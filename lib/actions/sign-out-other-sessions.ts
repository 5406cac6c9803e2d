"use server";

import { action } from "@/lib/auth/action";
import { signOutOtherSessions } from "@/lib/auth/sign-out-other-sessions";

/** Ends every other session of the member (PIN). */
export const signOutOtherSessionsAction = action(signOutOtherSessions, { revalidate: ["/settings"], result: (done) => done });
