"use server";

import { action } from "@/lib/auth/action";
import { changePassword } from "@/lib/auth/change-password";

/** Changes the member's own password; their other sessions end. */
export const changePasswordAction = action(changePassword, { revalidate: ["/settings"], result: (done) => done });
