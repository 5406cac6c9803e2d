import { KeyRound } from "lucide-react";

export function Logo({ subtitle }: { subtitle?: string }) {
  return (
    <div className="flex items-center gap-2.5">
      <span className="grid size-8 place-items-center rounded-md bg-accent-600 text-white shadow-sm">
        <KeyRound className="size-4.5" aria-hidden />
      </span>
      <span className="leading-tight">
        <span className="block text-[15px] font-semibold tracking-tight text-zinc-900">Latchkey</span>
        {subtitle ? <span className="block text-xs text-zinc-500">{subtitle}</span> : null}
      </span>
    </div>
  );
}
