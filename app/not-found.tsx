import Link from "next/link";
import { Logo } from "@/components/shell/logo";

export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col items-center justify-center gap-4 px-6 text-center">
      <Logo />
      <h1 className="text-xl font-semibold">This page does not exist</h1>
      <p className="text-sm text-zinc-600">It may have been removed, or the address is mistyped.</p>
      <Link href="/" className="text-sm font-medium text-accent-700 hover:underline">
        Back to Latchkey
      </Link>
    </main>
  );
}
