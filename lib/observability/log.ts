import "server-only";
import pino, { type Logger } from "pino";
import { env } from "@/lib/env";

/**
 * The process's logger: one JSON object per line on stdout — `time` (ISO 8601), `level` (a word),
 * `msg` and the line's fields — at `LOG_LEVEL` and above. Written through an asynchronous
 * destination, so a request never waits for stdout; `flushLog()` empties it before the process exits.
 *
 * Lines carry only the fields their callers name: never a header, a body, a query's parameters, a
 * key, a PIN, a password or a cookie. The redaction below is a second fence, not the first.
 */
const KEY = Symbol.for("latchkey.logger");

interface Holder {
  logger: Logger;
  destination: pino.DestinationStream & { flushSync?: () => void };
}

function create(destination: Holder["destination"] = pino.destination({ dest: 1, sync: false }), level: string = env.LOG_LEVEL): Holder {
  const logger = pino(
    {
      level,
      base: { service: "latchkey" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ["password", "pin", "secret", "token", "cookie", "authorization", "headers", "*.password", "*.pin", "*.secret", "*.token"],
        censor: "[redacted]",
      },
    },
    destination,
  );
  return { logger, destination };
}

// One per process: the API bundle and Next's server bundle each load this module, and share the holder.
function holder(): Holder {
  const registry = globalThis as unknown as Record<symbol, Holder | undefined>;
  registry[KEY] ??= create();
  return registry[KEY];
}

export function log(): Logger {
  return holder().logger;
}

/**
 * Waits (at most `ms`) until the asynchronous destination has written out every line given to it.
 * A flush while a write is still under way would put the lines after it first: a shutdown drains
 * before its last line, so "shutdown complete" is the last line, after the last requests'.
 */
export async function drainLog(ms = 2000): Promise<void> {
  // sonic-boom's own state: a write under way, or lines waiting for one.
  const destination = holder().destination as { _writing?: boolean; _len?: number };
  const until = Date.now() + ms;
  while ((destination._writing || (destination._len ?? 0) > 0) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Writes out what the asynchronous destination still holds (before exit). */
export function flushLog(): void {
  try {
    holder().destination.flushSync?.();
  } catch {
    // Nothing was waiting, or stdout is gone: there is nothing more to do.
  }
}

/**
 * For tests: writes the log to `destination` at `level` (every line by default) until the returned
 * function puts the process's own logger back.
 */
export function redirectLog(destination: Holder["destination"], level = "trace"): () => void {
  const registry = globalThis as unknown as Record<symbol, Holder | undefined>;
  const previous = registry[KEY];
  registry[KEY] = create(destination, level);
  return () => {
    registry[KEY] = previous;
  };
}
