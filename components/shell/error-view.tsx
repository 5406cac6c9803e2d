"use client";

import { DatabaseZap } from "lucide-react";
import { DATABASE_UNAVAILABLE_DIGEST } from "@/lib/database-unavailable";

/**
 * What a person sees when a page fails: nothing changed, and a reference to quote. When the database
 * could not answer, it says so — the session was not checked, so this must never look like a sign-out.
 */
export function ErrorView({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  if (error.digest === DATABASE_UNAVAILABLE_DIGEST) return <DatabaseUnavailable />;
  return (
    <main className="mx-auto flex min-h-[60vh] max-w-md flex-col items-center justify-center gap-3 px-6 text-center">
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="text-sm text-zinc-600">
        Nothing was changed. Try again; if it keeps happening, quote this reference to the bank: <span className="font-mono">{error.digest ?? "unknown"}</span>
      </p>
      <button type="button" onClick={reset} className="rounded-md bg-accent-600 px-4 py-2 text-sm font-medium text-white hover:bg-accent-700">
        Try again
      </button>
    </main>
  );
}

function DatabaseUnavailable() {
  return (
    <main className="mx-auto flex min-h-[60vh] max-w-md flex-col items-center justify-center gap-3 px-6 text-center">
      <span className="grid size-11 place-items-center rounded-full bg-amber-50 text-amber-700">
        <DatabaseZap className="size-5" aria-hidden />
      </span>
      <h1 className="text-xl font-semibold">Latchkey can&apos;t reach its database</h1>
      <p className="text-sm text-zinc-600">
        Try again in a moment. This is not a sign-out and nothing was changed: once the database answers, this page loads as usual.
      </p>
      <button
        type="button"
        onClick={() => window.location.reload()}
        className="rounded-md bg-accent-600 px-4 py-2 text-sm font-medium text-white hover:bg-accent-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-500"
      >
        Try again
      </button>
    </main>
  );
}
