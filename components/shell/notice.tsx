import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";

/** A centred explanation: an icon, a title, a sentence or two, and what to do next. */
export function Notice({ icon: Icon, title, children }: { icon: LucideIcon; title: string; children: ReactNode }) {
  return (
    <Card className="px-5 py-10 text-center break-words sm:px-8 sm:py-12">
      <span className="mx-auto grid size-11 place-items-center rounded-full bg-zinc-100 text-zinc-500">
        <Icon className="size-5" aria-hidden />
      </span>
      <h2 className="mt-4 text-base font-semibold text-zinc-900">{title}</h2>
      <div className="mx-auto mt-2 max-w-md text-sm text-zinc-600">{children}</div>
    </Card>
  );
}
