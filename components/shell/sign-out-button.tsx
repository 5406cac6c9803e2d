import { LogOut } from "lucide-react";
import { signOutAction } from "@/lib/actions/sign-out";
import { cn } from "@/lib/utils";

export function SignOutButton({ className, label = "Sign out" }: { className?: string; label?: string }) {
  return (
    <form action={signOutAction}>
      <button
        type="submit"
        className={cn("inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900", className)}
      >
        <LogOut className="size-4" aria-hidden />
        {label}
      </button>
    </form>
  );
}
