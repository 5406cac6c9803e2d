"use server";

import { action } from "@/lib/auth/action";
import { changeMemberRole } from "@/lib/members/change-member";

/** Gives a member another role (PIN). */
export const changeMemberRoleAction = action(changeMemberRole, { revalidate: ["/members"] });
