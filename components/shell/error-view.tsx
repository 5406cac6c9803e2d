"use client";

/** What a person sees when a page fails: nothing changed, and a reference to quote. */
export function ErrorView({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto flex min-h-[60vh] max-w-md flex-col items-center justify-center gap-3 px-6 text-center">
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="text-sm text-zinc-600">
        Nothing was changed. Try again; if it keeps happening, quote this reference to the bank:{" "}
        <span className="font-mono">{error.digest ?? "unknown"}</span>
      </p>
      <button onClick={reset} className="rounded-md bg-accent-600 px-4 py-2 text-sm font-medium text-white hover:bg-accent-700">
        Try again
      </button>
    </main>
  );
}
