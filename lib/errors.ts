import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { AccessErrorCode } from "@/lib/auth/errors";

/**
 * Every reason the domain gives for refusing: programs (the portal's dialogs, the API's clients)
 * branch on these codes, never on messages. A new refusal adds its code here, or does not compile.
 */
export const DOMAIN_ERROR_CODES = [
  "invalid_request",
  "not_found",
  "conflict",
  "forbidden",
  "escalation_refused",
  "pin_invalid",
  "pin_locked",
  "pin_busy",
  "alias_taken",
  "keys_changed",
  "key_management_closed",
  "organisation_suspended",
  "not_business",
  "insufficient_funds",
  "already_decided",
  "built_in_role",
  "role_in_use",
  "invitation_invalid",
  "invitation_gone",
  "existing_user",
  "rate_limited",
  "set_up_link_invalid",
  "not_operator",
  "already_set_up",
  "self_approval",
  "key_leaked",
  "key_already_leaked",
  "passkey_invalid",
  "passkey_required",
  "no_passkey",
  "passkey_challenge",
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

/** Every code a server action can answer with. */
export type ErrorCode = DomainErrorCode | AccessErrorCode | "sign_in_failed" | "service_unavailable" | "database_unavailable" | "internal_error";

/**
 * A refusal the domain explains to a person: a code for programs, a message for people, and the
 * fields at fault. Thrown by lib/<domain>, turned into an action result or API error at the boundary.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/**
 * Not a failure: the answer to a command asked for a passkey challenge (`passkey: "challenge"`),
 * carrying the options the browser's authenticator signs for this one action on this one target.
 */
export class PasskeyChallenge extends DomainError {
  constructor(readonly challenge: PublicKeyCredentialRequestOptionsJSON) {
    super("passkey_challenge", "Confirm with your passkey.");
    this.name = "PasskeyChallenge";
  }
}

export class NotFoundError extends DomainError {
  constructor(what = "That item") {
    super("not_found", `${what} does not exist, or you cannot see it.`);
    this.name = "NotFoundError";
  }
}

interface Issue {
  path: readonly PropertyKey[];
  message: string;
}

/**
 * The one mapping from validation issues to field errors: each field's first message, keyed by its
 * dotted path (`accountIds.0`), or by the list itself for the `lists` named; `whole` names an issue
 * about the input as a whole.
 */
export function fieldErrorsFrom(
  issues: readonly Issue[],
  { whole = "form", lists = [] }: { whole?: string; lists?: readonly string[] } = {},
): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path.map(String);
    const field = lists.includes(path[0] ?? "") ? path[0]! : path.join(".") || whole;
    fieldErrors[field] ??= issue.message;
  }
  return fieldErrors;
}

/** The parsed input, or a DomainError naming each failing field. */
export function parseOrThrow<T>(
  result: { success: true; data: T } | { success: false; error: { issues: readonly Issue[] } },
  options: { lists?: readonly string[] } = {},
): T {
  if (result.success) return result.data;
  throw new DomainError("invalid_request", "Check the highlighted fields.", fieldErrorsFrom(result.error.issues, options));
}

/** Whether a database error, or one it wraps (drizzle wraps the driver's), is a unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    if (typeof current === "object" && current !== null && "code" in current && (current as { code: unknown }).code === "23505") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The SQL state and constraint of a database error anywhere in the cause chain, or null. */
function databaseFailure(error: unknown): { code: string; constraint?: string } | null {
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    const { code, constraint } = current as { code?: unknown; constraint?: unknown };
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return { code, constraint: typeof constraint === "string" ? constraint : undefined };
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

export function isDatabaseFailure(error: unknown): boolean {
  return databaseFailure(error) !== null;
}

/**
 * A failure as a log line may show it: a database error by its SQL state and constraint — never its
 * query or parameters, which can hold hashes and personal data — and anything else by its name.
 */
export function describeFailure(error: unknown): string {
  const database = databaseFailure(error);
  if (database) return `database error ${database.code}${database.constraint ? ` (constraint ${database.constraint})` : ""}`;
  return error instanceof Error ? error.name : "unknown error";
}
