"use client";

import { Popover } from "radix-ui";
import type { ReactNode } from "react";

/** The bell's Radix popover: loaded the first time the bell is opened (see notification-bell.tsx). */
export function NotificationPopover({
  open,
  onOpenChange,
  trigger,
  triggerLabel,
  triggerClassName,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  trigger: ReactNode;
  triggerLabel: string;
  triggerClassName: string;
  children: ReactNode;
}) {
  return (
    <Popover.Root open={open} onOpenChange={onOpenChange}>
      <Popover.Trigger aria-label={triggerLabel} className={triggerClassName}>
        {trigger}
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={6}
          aria-label="Notifications"
          collisionPadding={8}
          className="z-50 w-[min(24rem,calc(100vw-1rem))] rounded-lg border border-zinc-200 bg-white p-1 shadow-lg"
        >
          {children}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
