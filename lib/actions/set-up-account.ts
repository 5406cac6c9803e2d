"use server";

import { setUpAccount } from "@/lib/auth/set-up-account";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import type { ActionResult } from "./result";

/**
 * Public by nature: the set-up link's one-time token (32 random bytes, stored as SHA-256, 24 hours)
 * is the credential. Sets the password and PIN; rate limited per address inside setUpAccount.
 */
export async function setUpAccountAction(input: unknown): Promise<ActionResult<{ email: string }>> {
  const result = await setUpAccount(getDb(), input, await requestContext());
  if (!result.ok) {
    const code = result.reason === "invalid_input" ? "invalid_request" : result.reason === "invalid_link" ? "set_up_link_invalid" : "rate_limited";
    return { ok: false, error: result.error, code, fieldErrors: result.fieldErrors };
  }
  return { ok: true, data: { email: result.email } };
}
