"use client";

import { BookOpen, ClipboardCheck, FileClock, KeyRound, KeySquare, Settings, Users, Webhook } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

const LINKS = [
  { href: "/keys", label: "API keys", icon: KeyRound },
  { href: "/credentials", label: "Credentials", icon: KeySquare },
  { href: "/members", label: "Members", icon: Users },
  { href: "/payments", label: "Payment approvals", icon: ClipboardCheck },
  { href: "/audit", label: "Audit log", icon: FileClock },
  { href: "/webhooks", label: "Webhooks", icon: Webhook },
  { href: "/docs", label: "API docs", icon: BookOpen },
  { href: "/settings", label: "Settings", icon: Settings },
] as const;

/** The portal's sections; Webhooks only for a member who manages them (`webhooks`). */
export function NavLinks({ webhooks = false }: { webhooks?: boolean }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="space-y-0.5">
      {LINKS.filter(({ href }) => webhooks || href !== "/webhooks").map(({ href, label, icon: Icon }) => {
        const active = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={href}
            href={href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex items-center gap-2.5 rounded-md border-l-2 px-2.5 py-1.5 text-sm font-medium transition-colors",
              // The current page: a grey fill and an accent bar; in forced colours the system's Highlight
              // (forced colours drop the fill; forced-color-adjust: none keeps the text off a Canvas backplate).
              active
                ? "border-accent-600 bg-zinc-200/70 text-zinc-900 forced-colors:border-[Highlight] forced-colors:bg-[Highlight] forced-colors:text-[HighlightText] forced-colors:forced-color-adjust-none"
                : "border-transparent text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900",
            )}
          >
            <Icon className={cn("size-4", active ? "text-accent-600 forced-colors:text-[HighlightText]" : "text-zinc-500")} aria-hidden />
            {label}
          </Link>
        );
      })}
    </nav>
  );
}
