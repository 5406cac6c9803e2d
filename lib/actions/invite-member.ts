"use server";

import { action } from "@/lib/auth/action";
import { inviteMember } from "@/lib/members/invite-member";

/** Invites someone with a role; the one-time link comes back once, for the inviter to pass on. */
export const inviteMemberAction = action(inviteMember, { revalidate: ["/members"], result: (invited) => invited });
