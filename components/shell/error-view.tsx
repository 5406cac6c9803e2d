"use client";

import { DatabaseZap } from "lucide-react";
import type { ReactNode } from "react";
import { DATABASE_UNAVAILABLE_DIGEST } from "@/lib/database-unavailable";

type ErrorProps = { error: Error & { digest?: string }; reset: () => void };

/**
 * What a person sees when a page fails: nothing changed, and a reference to quote. When the database
 * could not answer, it says so — the session was not checked, so this must never look like a sign-out.
 * This one stands alone, as the page's <main>; inside the portal's frame, which already has its
 * <main>, use ShellErrorView.
 */
export function ErrorView(props: ErrorProps) {
  return <ErrorContent {...props} Frame={Main} />;
}

/** As ErrorView, inside the portal's frame: the frame's <main> holds it, so it has none of its own. */
export function ShellErrorView(props: ErrorProps) {
  return <ErrorContent {...props} Frame={Inside} />;
}

const FRAME = "mx-auto flex min-h-[60vh] max-w-md flex-col items-center justify-center gap-3 px-6 text-center";

function Main({ children }: { children: ReactNode }) {
  return <main className={FRAME}>{children}</main>;
}

function Inside({ children }: { children: ReactNode }) {
  return <div className={FRAME}>{children}</div>;
}

function ErrorContent({ error, reset, Frame }: ErrorProps & { Frame: (props: { children: ReactNode }) => ReactNode }) {
  if (error.digest === DATABASE_UNAVAILABLE_DIGEST) {
    return (
      <Frame>
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
      </Frame>
    );
  }
  return (
    <Frame>
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="text-sm break-words text-zinc-600">
        Nothing was changed. Try again; if it keeps happening, quote this reference to the bank: <span className="font-mono">{error.digest ?? "unknown"}</span>
      </p>
      <button
        type="button"
        onClick={reset}
        className="rounded-md bg-accent-600 px-4 py-2 text-sm font-medium text-white hover:bg-accent-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-500"
      >
        Try again
      </button>
    </Frame>
  );
}
