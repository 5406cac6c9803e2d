/**
 * The database could not answer, so nobody's session can be checked. Shared by the server, which
 * throws it, and the error page, which recognises it by its digest (the only part of a server error
 * the browser receives) and says what happened instead of "you were signed out".
 */
export const DATABASE_UNAVAILABLE_DIGEST = "LATCHKEY_DATABASE_UNAVAILABLE";

export const DATABASE_UNAVAILABLE_MESSAGE = "Latchkey can't reach its database — try again in a moment.";

export class DatabaseUnavailableError extends Error {
  readonly digest = DATABASE_UNAVAILABLE_DIGEST;
  readonly code = "database_unavailable";

  constructor() {
    // No cause: a failed query's error carries its SQL and parameters.
    super(DATABASE_UNAVAILABLE_MESSAGE);
    this.name = "DatabaseUnavailableError";
  }
}

export function isDatabaseUnavailable(error: unknown): error is DatabaseUnavailableError {
  return (
    error instanceof DatabaseUnavailableError ||
    (typeof error === "object" && error !== null && (error as { digest?: unknown }).digest === DATABASE_UNAVAILABLE_DIGEST)
  );
}
