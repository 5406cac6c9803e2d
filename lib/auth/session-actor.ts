import "server-only";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { DatabaseUnavailableError } from "@/lib/database-unavailable";
import type { Executor } from "@/lib/db";
import { describeFailure, isDatabaseFailure } from "@/lib/errors";
import { loadUsableActor, type Actor } from "./actor";
import { log } from "@/lib/observability/log";

/** Error codes of a connection that could not be made or was lost (node's socket errors). */
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ECONNABORTED"]);

/** Whether `error` came from the database or the way to it — as opposed to a bug in our code. */
export function isDatabaseOutage(error: unknown): boolean {
  if (isDatabaseFailure(error)) return true;
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    if (current instanceof DrizzleQueryError) return true;
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
    // node-postgres and PGlite say these in words only.
    if (
      typeof message === "string" &&
      /Connection terminated|timeout exceeded when trying to connect|PGlite is closed|Client has encountered a connection error/i.test(message)
    )
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** An outage for a log line: the connection's error code or SQL state, never a query or its parameters. */
function describeOutage(error: unknown): string {
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    const { code } = current as { code?: unknown };
    if (typeof code === "string" && CONNECTION_CODES.has(code)) return `connection ${code}`;
    current = (current as { cause?: unknown }).cause;
  }
  const failure = describeFailure(error);
  return failure === "Error" ? "no answer from the database" : failure;
}

/**
 * The actor of a session that can still be used, or null when there is none (revoked, expired,
 * idle, unknown). A database that cannot answer is a DatabaseUnavailableError — never "no session":
 * an outage must not look like a sign-out.
 */
export async function loadSessionActor(db: Executor, sessionId: string): Promise<Actor | null> {
  try {
    const actor = await loadUsableActor(db, sessionId);
    if (actor) portalRequest().userId = actor.user.id;
    return actor;
  } catch (error) {
    if (!isDatabaseOutage(error)) throw error;
    log().error({ cause: describeOutage(error) }, "session check: database unavailable");
    markDatabaseUnavailable();
    throw new DatabaseUnavailableError();
  }
}

/**
 * What the production server (scripts/serve.mjs) keeps of the portal request being served: whether
 * it met a database outage (its error page then goes out as 503 Service Unavailable rather than
 * 500) and whose session it carried (the request's log line names the user id). Elsewhere a
 * throwaway object, so writing to it is a no-op.
 */
function portalRequest(): { databaseUnavailable?: boolean; userId?: string } {
  const store = (globalThis as Record<symbol, { getStore(): { databaseUnavailable?: boolean; userId?: string } | undefined } | undefined>)[
    Symbol.for("latchkey.portalRequest")
  ]?.getStore();
  return store ?? {};
}

function markDatabaseUnavailable(): void {
  portalRequest().databaseUnavailable = true;
}
