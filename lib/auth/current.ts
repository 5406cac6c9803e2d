import "server-only";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/lib/db";
import { requestContext } from "@/lib/http/request-context";
import type { MemberPermission } from "@/lib/permissions";
import type { Actor, MemberActor } from "./actor";
import { authorize, type Requirement } from "./authorize";
import { AccessError } from "./errors";
import { auth } from "./next-auth";
import { loadSessionActor } from "./session-actor";
import { settleAction, type ActionRefusal } from "./settle-action";
import { recordIfOutsideOrganisation, type Attempted } from "./tenancy";

/**
 * The signed-in actor for this request, or null; read once per request. The session row decides
 * (revoked, idle, expired, signed out elsewhere); a database that cannot answer throws
 * DatabaseUnavailableError rather than passing for "signed out".
 */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = await auth();
  if (!session?.sessionId) return null;
  return loadSessionActor(getDb(), session.sessionId);
});

/** For server actions and route handlers: the actor, or an AccessError. */
export async function requireActor(requirement: Requirement = {}): Promise<Actor> {
  return authorize(await currentActor(), requirement);
}

/** For pages: the actor, or a redirect to where the person must go first. */
export async function requirePageActor(requirement: Requirement & ({ organisation: true } | { permission: MemberPermission })): Promise<MemberActor>;
export async function requirePageActor(requirement?: Requirement): Promise<Actor>;
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
 * validation, PIN, not found, a database outage — into an action result (lib/auth/settle-action.ts).
 * `redirect()` inside `work` passes through.
 */
export async function withActor<R>(requirement: Requirement, work: (actor: Actor) => Promise<R>): Promise<R | ActionRefusal> {
  return settleAction(getDb(), currentActor, requirement, work, requestContext);
}

/**
 * For a page that found nothing under an id from its URL: when the id is another organisation's, the
 * attempt is audited as denied (lib/auth/tenancy.ts); either way the person sees the same not-found
 * page as for an id that never existed.
 */
export async function pageNotFound(actor: Actor, attempted: Attempted): Promise<never> {
  await recordIfOutsideOrganisation(getDb(), actor, attempted, await requestContext());
  notFound();
}

/** As pageNotFound, for a page that carries on without the item (a "copy of" link to a key it cannot see). */
export async function pageTargetMissing(actor: Actor, attempted: Attempted): Promise<void> {
  await recordIfOutsideOrganisation(getDb(), actor, attempted, await requestContext());
}
