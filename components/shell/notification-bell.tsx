"use client";

import { Bell, Clock, Snowflake } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { markNotificationsReadAction } from "@/lib/actions/mark-notifications-read";
import { cn } from "@/lib/utils";

type Popover = typeof import("./notification-popover");
/** The popover (Radix) loads when the bell is first wanted: pointed at, focused or opened. */
const loadPopover = () => import("./notification-popover");
const TRIGGER_CLASS = "relative grid size-9 place-items-center rounded-full text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900";

export interface BellItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  href: string | null;
  when: string;
  unread: boolean;
}

/** The member's notifications — expiry reminders — newest first; opening one marks it read, and so does "Mark all read". */
export function NotificationBell({ items, unread }: { items: BellItem[]; unread: number }) {
  // The bell lives in the layout and survives navigation: close it when the page changes, so it
  // cannot steal focus back from whatever the next page opens.
  const [open, setOpen] = useState(false);
  const [popover, setPopover] = useState<Popover | null>(null);
  const [marked, setMarked] = useState<ReadonlySet<string> | "all">(new Set());
  const pathname = usePathname();
  const router = useRouter();
  // biome-ignore lint/correctness/useExhaustiveDependencies: closes the panel on every navigation
  useEffect(() => setOpen(false), [pathname]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: new items from the server replace what this page marked
  useEffect(() => setMarked(new Set()), [items]);

  const isUnread = (item: BellItem) => item.unread && marked !== "all" && !marked.has(item.id);
  const count = marked === "all" ? 0 : Math.max(0, unread - items.filter((i) => i.unread && marked.has(i.id)).length);

  async function markRead(ids?: string[]) {
    setMarked((m) => (ids && m !== "all" ? new Set([...m, ...ids]) : "all"));
    await markNotificationsReadAction(ids ? { ids } : {});
    router.refresh();
  }

  const label = count ? `Notifications: ${count} unread` : "Notifications: none unread";
  const trigger = (
    <>
      <Bell className="size-5" aria-hidden />
      {count ? (
        <span className="absolute top-0.5 right-0.5 grid min-w-4 place-items-center rounded-full bg-amber-700 px-1 text-[10px] font-semibold text-white">
          {count}
        </span>
      ) : null}
    </>
  );
  if (!popover) {
    return (
      <button
        type="button"
        aria-label={label}
        aria-haspopup="dialog"
        aria-expanded={false}
        className={TRIGGER_CLASS}
        onPointerEnter={() => void loadPopover()}
        onFocus={() => void loadPopover()}
        onClick={() =>
          void loadPopover().then((module) => {
            setOpen(true);
            setPopover(module);
          })
        }
      >
        {trigger}
      </button>
    );
  }

  return (
    <popover.NotificationPopover open={open} onOpenChange={setOpen} trigger={trigger} triggerLabel={label} triggerClassName={TRIGGER_CLASS}>
      <div className="flex items-center justify-between px-3 py-2">
        <p className="text-xs font-medium text-zinc-500">Notifications</p>
        {count ? (
          <button type="button" onClick={() => void markRead()} className="rounded text-xs font-medium text-accent-700 hover:underline">
            Mark all read
          </button>
        ) : null}
      </div>
      {items.length === 0 ? (
        <p className="px-3 pb-3 text-sm text-zinc-600">Nothing yet. You hear here, and by e-mail, when a key you may renew nears its 90 days.</p>
      ) : (
        <ul className="max-h-96 overflow-y-auto">
          {items.map((item) => {
            const Icon = item.kind === "key_frozen" ? Snowflake : Clock;
            const content = (
              <>
                <Icon className={cn("mt-0.5 size-4 shrink-0", item.kind === "key_frozen" ? "text-slate-500" : "text-amber-600")} aria-hidden />
                <span className="min-w-0 text-sm">
                  <span className={cn("block text-zinc-900", isUnread(item) && "font-semibold")}>
                    {item.title}
                    {isUnread(item) ? <span className="sr-only"> (unread)</span> : null}
                  </span>
                  <span className="block text-xs text-zinc-500">{item.when}</span>
                </span>
                {isUnread(item) ? <span className="mt-1.5 ml-auto size-2 shrink-0 rounded-full bg-accent-600" aria-hidden /> : null}
              </>
            );
            return (
              <li key={item.id}>
                {item.href ? (
                  <Link
                    href={item.href}
                    onClick={() => {
                      setOpen(false);
                      if (isUnread(item)) void markRead([item.id]);
                    }}
                    className="flex gap-2.5 rounded-md px-3 py-2 hover:bg-zinc-50"
                  >
                    {content}
                  </Link>
                ) : (
                  <div className="flex gap-2.5 px-3 py-2">{content}</div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </popover.NotificationPopover>
  );
}
