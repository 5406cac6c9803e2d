"use server";

import { action } from "@/lib/auth/action";
import { handOnSuperadmin } from "@/lib/members/change-member";

/** The Superadmin hands the role on and becomes an Admin (PIN). */
export const handOnSuperadminAction = action(handOnSuperadmin, { revalidate: ["/members"] });
