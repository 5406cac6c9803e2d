import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describeFailure } from "@/lib/errors";
import { log } from "@/lib/observability/log";
import type { Executor } from "./client";

/**
 * Whether this database can serve: it answers, and every migration shipped in drizzle/ is applied.
 * Reads drizzle's own record of applied migrations through the view migration 0007 made
 * (`applied_migrations`), which the application's role reads as it reads every table; it writes nothing.
 */
export type Readiness =
  | { ready: true; verified: true; applied: number; expected: number }
  | { ready: true; verified: false }
  | { ready: false; reason: string; applied?: number; expected?: number };

let shipped: number[] | undefined;

/** The migrations this build ships, by the timestamp drizzle records when it applies one. */
export function shippedMigrations(): number[] {
  if (!shipped) {
    const file = path.resolve(/*turbopackIgnore: true*/ process.cwd(), "drizzle", "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(file, "utf8")) as { entries: { when: number }[] };
    shipped = journal.entries.map((entry) => entry.when);
  }
  return shipped;
}

const TIMEOUT_MS = 3_000;
let warned = false;

function sqlState(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 4; depth++) {
    const { code } = current as { code?: unknown };
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export async function databaseReadiness(db: Executor, expected = shippedMigrations(), timeoutMs = TIMEOUT_MS): Promise<Readiness> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), timeoutMs);
  });
  try {
    const answer = await Promise.race([db.execute<{ created_at: string }>(sql`select created_at::text as created_at from applied_migrations`), late]);
    if (answer === "late") return { ready: false, reason: `The database did not answer within ${timeoutMs / 1000} s.` };
    const applied = new Set(answer.rows.map((row) => Number(row.created_at)));
    const missing = expected.filter((when) => !applied.has(when)).length;
    if (missing > 0) {
      return {
        ready: false,
        reason: `${missing} of ${expected.length} migrations are not applied yet.`,
        applied: expected.length - missing,
        expected: expected.length,
      };
    }
    return { ready: true, verified: true, applied: expected.length, expected: expected.length };
  } catch (error) {
    const state = sqlState(error);
    // No view: the database holds migrations older than this release's, or none at all.
    if (state === "42P01" || state === "3F000") return { ready: false, reason: "This release's migrations are not applied to this database yet." };
    if (state === "42501") {
      // A role without the default privileges of README: Database roles: the database answers, which is
      // what keeps an instance in service; the migrations go unverified, and the log says how to fix it.
      if (!warned)
        log().warn(
          "readiness: the application's role may not read applied_migrations, so the migrations go unverified; grant it SELECT (README: Database roles)",
        );
      warned = true;
      return { ready: true, verified: false };
    }
    log().warn({ error: describeFailure(error) }, "readiness: the database did not answer");
    return { ready: false, reason: "The database did not answer." };
  } finally {
    clearTimeout(timer);
  }
}
