"use server";

import { redirect } from "next/navigation";
import { action } from "@/lib/auth/action";
import { getDb } from "@/lib/db";
import { DomainError } from "@/lib/errors";
import { requestContext } from "@/lib/http/request-context";
import { acceptInvitation, joinOrganisation } from "@/lib/members/accept-invitation";
import type { ActionResult } from "./result";

/**
 * Public by nature: the invitation's one-time token (≈ 256 bits) is the credential. Sets the new
 * member's name and password; the PIN follows at their first sign-in.
 */
export async function acceptInvitationAction(input: unknown): Promise<ActionResult> {
  let email: string;
  try {
    ({ email } = await acceptInvitation(getDb(), input, await requestContext()));
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error: error.message, code: error.code, fieldErrors: error.fieldErrors };
    throw error;
  }
  redirect(`/sign-in?joined=1&email=${encodeURIComponent(email)}`);
}

/** Someone already signed in joins the organisation an invitation to their address offers. */
export const joinWithInvitationAction = action(joinOrganisation, {
  result: () => {
    redirect("/keys");
  },
});
