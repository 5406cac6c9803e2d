import { LockKeyhole } from "lucide-react";
import type { ReactNode } from "react";
import { Logo } from "@/components/shell/logo";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col bg-zinc-50">
      <header className="mx-auto flex w-full max-w-5xl items-center px-6 py-6">
        <Logo subtitle="API keys for your bank accounts" />
      </header>
      <main className="flex flex-1 items-start justify-center px-6 pt-8 pb-16 sm:pt-16">{children}</main>
      <footer className="mx-auto flex w-full max-w-5xl items-center gap-2 px-6 py-6 text-xs text-zinc-500">
        <LockKeyhole className="size-3.5" aria-hidden />
        Every sensitive action is confirmed with your PIN and recorded in your organisation&apos;s audit log.
      </footer>
    </div>
  );
}
