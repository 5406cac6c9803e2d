"use client";

import { Bell, Clock, Snowflake } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { Popover } from "radix-ui";
import { useEffect, useState } from "react";

export interface BellItem {
  id: string;
  alias: string;
  prefix: string;
  status: "expiring" | "frozen" | "active" | "revoked";
  when: string;
}

export function NotificationBell({ items }: { items: BellItem[] }) {
  const count = items.length;
  // The bell lives in the layout and survives navigation: close it when the page changes, so it
  // cannot steal focus back from whatever the next page opens.
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  useEffect(() => setOpen(false), [pathname]);
  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger
        aria-label={count ? `Notifications: ${count} ${count === 1 ? "key needs" : "keys need"} attention` : "Notifications: none"}
        className="relative grid size-9 place-items-center rounded-full text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900"
      >
        <Bell className="size-5" aria-hidden />
        {count ? (
          <span className="absolute top-0.5 right-0.5 grid min-w-4 place-items-center rounded-full bg-amber-500 px-1 text-[10px] font-semibold text-white">
            {count}
          </span>
        ) : null}
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="end" sideOffset={6} className="z-50 w-80 rounded-lg border border-zinc-200 bg-white p-1 shadow-lg">
          <p className="px-3 py-2 text-xs font-medium text-zinc-500">Keys that need attention</p>
          {count === 0 ? (
            <p className="px-3 pb-3 text-sm text-zinc-600">No key is frozen or freezes within 14 days.</p>
          ) : (
            <ul>
              {items.map((item) => (
                <li key={item.id}>
                  <Link href={`/keys/${item.id}`} onClick={() => setOpen(false)} className="flex gap-2.5 rounded-md px-3 py-2 hover:bg-zinc-50">
                    {item.status === "frozen" ? (
                      <Snowflake className="mt-0.5 size-4 shrink-0 text-slate-500" aria-hidden />
                    ) : (
                      <Clock className="mt-0.5 size-4 shrink-0 text-amber-600" aria-hidden />
                    )}
                    <span className="min-w-0 text-sm">
                      <span className="block truncate font-medium text-zinc-900">{item.alias}</span>
                      <span className="block text-xs text-zinc-500">
                        <span className="font-mono">{item.prefix}…</span> · {item.when}
                      </span>
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
