import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import "server-only";
import type { RequestInfo } from "@/lib/audit/record-event";
import { isDatabaseUnavailable } from "@/lib/database-unavailable";
import type { Executor } from "@/lib/db";
import { DomainError, describeFailure, type ErrorCode, isDatabaseFailure, NotFoundError, PasskeyChallenge } from "@/lib/errors";
import type { Actor } from "./actor";
import { authorize, type Requirement } from "./authorize";
import { AccessError } from "./errors";
import { forgetAttempt, recordAttemptOutsideOrganisation } from "./tenancy";
import { log } from "@/lib/observability/log";

export type ActionRefusal = {
  ok: false;
  error: string;
  code: ErrorCode;
  fieldErrors?: Record<string, string>;
  /** With `passkey_challenge`: what the browser's authenticator signs for the action asked. */
  challenge?: PublicKeyCredentialRequestOptionsJSON;
};

/**
 * The boundary of every server action (withActor in lib/auth/current.ts, without next-auth so tests
 * can run it): authorizes the actor, runs `work`, and turns every refusal — access, validation, PIN,
 * not found, a database that cannot answer — into an action result. "Not found" for another
 * organisation's id is audited as denied here, once for all actions. `redirect()` passes through.
 */
export async function settleAction<R>(
  db: Executor,
  loadActor: () => Promise<Actor | null>,
  requirement: Requirement,
  work: (actor: Actor) => Promise<R>,
  request: () => Promise<RequestInfo>,
): Promise<R | ActionRefusal> {
  let actor: Actor | null = null;
  try {
    actor = authorize(await loadActor(), requirement);
    forgetAttempt(actor);
    return await work(actor);
  } catch (error) {
    if (error instanceof AccessError) return { ok: false, error: error.message, code: error.code };
    if (error instanceof NotFoundError && actor) await auditNotFound(db, actor, request);
    if (error instanceof PasskeyChallenge) return { ok: false, error: error.message, code: error.code, challenge: error.challenge };
    if (error instanceof DomainError) return { ok: false, error: error.message, code: error.code, fieldErrors: error.fieldErrors };
    if (isDatabaseUnavailable(error)) return { ok: false, error: `${error.message} Nothing was changed.`, code: error.code };
    // A failed query rolled its transaction back: say so, and log it without its parameters.
    if (isDatabaseFailure(error)) {
      log().error({ error: describeFailure(error) }, "server action failed");
      return { ok: false, error: "Something went wrong on our side and nothing was changed. Try again in a moment.", code: "internal_error" };
    }
    throw error;
  }
}

/** The audit of a cross-tenant attempt never changes the answer, even when it cannot be written. */
async function auditNotFound(db: Executor, actor: Actor, request: () => Promise<RequestInfo>): Promise<void> {
  try {
    await recordAttemptOutsideOrganisation(db, actor, await request());
  } catch (error) {
    log().error({ error: describeFailure(error) }, "cross-tenant audit failed");
  }
}
