import type { ReactNode } from "react";
import { Logo } from "@/components/shell/logo";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { requirePageActor } from "@/lib/auth/current";

export default async function OpsLayout({ children }: { children: ReactNode }) {
  const actor = await requirePageActor();
  return (
    <div className="min-h-screen">
      <header className="border-b border-zinc-800 bg-zinc-900 text-white">
        <div className="mx-auto flex max-w-[1200px] items-center justify-between px-8 py-3">
          <div className="flex items-center gap-3 [&_span]:text-white">
            <Logo />
            <span className="rounded bg-amber-400/20 px-2 py-0.5 text-xs font-semibold uppercase tracking-wide !text-amber-300">Bank operations</span>
          </div>
          <div className="flex items-center gap-3 text-sm text-zinc-300">
            {actor.user.name}
            <SignOutButton className="text-zinc-300 hover:bg-zinc-800 hover:text-white" />
          </div>
        </div>
      </header>
      {children}
    </div>
  );
}
