import type { ReactNode } from "react";
import { Logo } from "@/components/shell/logo";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { requirePageActor } from "@/lib/auth/current";

export default async function OpsLayout({ children }: { children: ReactNode }) {
  const actor = await requirePageActor();
  return (
    <div className="min-h-screen">
      <a
        href="#content"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="border-b border-zinc-800 bg-zinc-900 text-white">
        <div className="mx-auto flex max-w-[1200px] flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-3 md:px-8">
          <div className="flex flex-wrap items-center gap-3 [&_span]:text-white">
            <Logo />
            <span className="rounded bg-amber-400/20 px-2 py-0.5 text-xs font-semibold uppercase tracking-wide !text-amber-300">Bank operations</span>
          </div>
          <div className="flex min-w-0 flex-wrap items-center gap-x-3 text-sm text-zinc-300">
            {actor.user.name}
            <SignOutButton className="text-zinc-300 hover:bg-zinc-800 hover:text-white" />
          </div>
        </div>
      </header>
      <main id="content" tabIndex={-1} className="min-w-0 focus:outline-none">
        {children}
      </main>
    </div>
  );
}
