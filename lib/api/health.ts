import "server-only";
import { getDb } from "@/lib/db";
import { databaseReadiness, type Readiness } from "@/lib/db/readiness";
import { json } from "./http";

/**
 * The platform's probes (README: Deploying). Neither needs a credential, neither writes, and
 * neither lets a flood of probes load the database: readiness is asked of the database at most once
 * a second, and callers in between share that answer.
 */
export async function serveHealth(): Promise<Response> {
  return json({ status: "ok" });
}

const FRESH_MS = 1_000;

/** Set when the server begins a graceful shutdown: ready no more, whatever the database says. */
let draining = false;

export function markDraining(): void {
  draining = true;
}
let last: { at: number; answer: Promise<Readiness> } | null = null;

function readiness(): Promise<Readiness> {
  const now = Date.now();
  if (!last || now - last.at >= FRESH_MS) last = { at: now, answer: databaseReadiness(getDb()) };
  return last.answer;
}

export async function serveReady(): Promise<Response> {
  if (draining) return json({ status: "unavailable", reason: "This instance is shutting down." }, 503, { "retry-after": "5" });
  const state = await readiness();
  if (state.ready) return json({ status: "ready", migrations: state.verified ? { applied: state.applied, expected: state.expected } : "unverified" });
  const body: Record<string, unknown> = { status: "unavailable", reason: state.reason };
  if (state.expected !== undefined) body.migrations = { applied: state.applied, expected: state.expected };
  return json(body, 503, { "retry-after": "5" });
}
