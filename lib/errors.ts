/**
 * A refusal the domain explains to a person: a code for programs, a message for people, and the
 * fields at fault. Thrown by lib/<domain>, turned into an action result or API error at the boundary.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fieldErrors?: Record<string, string>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export class NotFoundError extends DomainError {
  constructor(what = "That item") {
    super("not_found", `${what} does not exist, or you cannot see it.`);
    this.name = "NotFoundError";
  }
}

/** The parsed input, or a DomainError naming each failing field. */
export function parseOrThrow<T>(result: { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } }): T {
  if (result.success) return result.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) fieldErrors[issue.path.map(String).join(".") || "form"] ??= issue.message;
  throw new DomainError("invalid_request", "Check the highlighted fields.", fieldErrors);
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
