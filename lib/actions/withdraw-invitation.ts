"use server";

import { action } from "@/lib/auth/action";
import { withdrawInvitation } from "@/lib/members/withdraw-invitation";

/** Withdraws a pending invitation; its link stops working. */
export const withdrawInvitationAction = action(withdrawInvitation, { revalidate: ["/members"] });
