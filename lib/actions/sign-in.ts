"use server";

import { CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { signIn } from "@/lib/auth/next-auth";
import { safeNextPath } from "@/lib/auth/safe-next-path";
import { SIGN_IN_FAILED_MESSAGE } from "@/lib/auth/sign-in";
import { signInSchema } from "@/lib/schemas/auth";
import { fieldErrorsOf, type ActionResult } from "./result";
import { log } from "@/lib/observability/log";

/** Public by nature: the one action that needs no session. Rate limited inside signInWithPassword. */
export async function signInAction(input: unknown, next?: unknown): Promise<ActionResult> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: "Check the highlighted fields.", code: "invalid_request", fieldErrors: fieldErrorsOf(parsed.error) };
  try {
    await signIn("credentials", { ...parsed.data, redirect: false });
  } catch (error) {
    if (error instanceof CredentialsSignin) {
      return error.code === "rate_limited"
        ? { ok: false, code: "rate_limited", error: "Too many sign-in attempts. Wait a little (at most 15 minutes), then try again." }
        : { ok: false, code: "sign_in_failed", error: SIGN_IN_FAILED_MESSAGE };
    }
    log().error({ error: error instanceof Error ? error.name : "unknown" }, "sign-in failed unexpectedly");
    return { ok: false, code: "service_unavailable", error: "Signing in is not possible right now. Try again in a moment." };
  }
  redirect(safeNextPath(next));
}
