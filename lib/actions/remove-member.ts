"use server";

import { action } from "@/lib/auth/action";
import { removeMember } from "@/lib/members/change-member";

/** Removes a member from the organisation (PIN). */
export const removeMemberAction = action(removeMember, { revalidate: ["/members"] });
