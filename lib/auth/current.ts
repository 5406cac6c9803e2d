import "server-only";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/lib/db";
import { loadActor, type Actor } from "./actor";
import { authorize, type Requirement } from "./authorize";
import { DomainError, describeFailure, type ErrorCode, isDatabaseFailure } from "@/lib/errors";
import { AccessError } from "./errors";
import { auth } from "./next-auth";

/** The signed-in actor for this request, or null; read once per request. */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = await auth();
  if (!session?.sessionId) return null;
  return loadActor(getDb(), session.sessionId);
});

/** For server actions and route handlers: the actor, or an AccessError. */
export async function requireActor(requirement: Requirement = {}): Promise<Actor> {
  return authorize(await currentActor(), requirement);
}

/** For pages: the actor, or a redirect to where the person must go first. */
export async function requirePageActor(requirement: Requirement = {}): Promise<Actor> {
  const actor = await currentActor();
  try {
    return authorize(actor, requirement);
  } catch (error) {
    if (!(error instanceof AccessError)) throw error;
    if (error.code === "unauthenticated") redirect("/sign-in");
    if (error.code === "pin_setup_required") redirect("/set-pin");
    if (error.code === "no_organisation") redirect(actor?.user.isOperator ? "/ops" : "/no-organisation");
    throw error;
  }
}

/**
 * For server actions: runs `work` with the signed-in actor and turns every refusal — access,
 * validation, PIN, not found — into an action result. `redirect()` inside `work` passes through.
 */
export async function withActor<R>(
  requirement: Requirement,
  work: (actor: Actor) => Promise<R>,
): Promise<R | { ok: false; error: string; code: ErrorCode; fieldErrors?: Record<string, string> }> {
  try {
    return await work(await requireActor(requirement));
  } catch (error) {
    if (error instanceof AccessError) return { ok: false, error: error.message, code: error.code };
    if (error instanceof DomainError) return { ok: false, error: error.message, code: error.code, fieldErrors: error.fieldErrors };
    // A failed query rolled its transaction back: say so, and log it without its parameters.
    if (isDatabaseFailure(error)) {
      console.error(`[action] failed: ${describeFailure(error)}`);
      return { ok: false, error: "Something went wrong on our side and nothing was changed. Try again in a moment.", code: "internal_error" };
    }
    throw error;
  }
}
