"use client";

import { X } from "lucide-react";
import { Dialog as Primitive } from "radix-ui";
import { useRef, type ComponentProps } from "react";
import { cn } from "@/lib/utils";
import { rememberFocusOrigin, returnFocus } from "./focus-return";

/** Radix's dialog and the portal's look for it: loaded by ./dialog.tsx the first time a dialog opens. */
export const Dialog = Primitive.Root;
export const DialogTrigger = Primitive.Trigger;
export const DialogClose = Primitive.Close;

/**
 * A modal dialog. When it closes, focus goes back to the control that started its flow (through
 * chained dialogs), or to the page's heading when that control has gone.
 */
export function DialogContent({
  className,
  children,
  closable = true,
  onOpenAutoFocus,
  onCloseAutoFocus,
  ...props
}: ComponentProps<typeof Primitive.Content> & { closable?: boolean }) {
  const origin = useRef<HTMLElement | null>(null);
  return (
    <Primitive.Portal>
      <Primitive.Overlay className="fixed inset-0 z-40 bg-zinc-950/40 backdrop-blur-[1px]" />
      <Primitive.Content
        className={cn(
          "fixed top-1/2 left-1/2 z-50 w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-xl border border-zinc-200 bg-white p-6 shadow-2xl focus:outline-none",
          className,
        )}
        onOpenAutoFocus={(event) => {
          origin.current = rememberFocusOrigin();
          onOpenAutoFocus?.(event);
        }}
        onCloseAutoFocus={(event) => {
          onCloseAutoFocus?.(event);
          if (event.defaultPrevented) return;
          event.preventDefault();
          // Radix fires this after the dialog has gone; the next dialog of a flow may already be open.
          returnFocus(origin.current);
        }}
        {...props}
      >
        {children}
        {closable ? (
          <Primitive.Close className="absolute top-4 right-4 rounded-md p-1 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-700" aria-label="Close">
            <X className="size-4" aria-hidden />
          </Primitive.Close>
        ) : null}
      </Primitive.Content>
    </Primitive.Portal>
  );
}

export function DialogTitle({ className, ...props }: ComponentProps<typeof Primitive.Title>) {
  return <Primitive.Title className={cn("pr-8 text-lg font-semibold tracking-tight text-zinc-900", className)} {...props} />;
}

export function DialogDescription({ className, ...props }: ComponentProps<typeof Primitive.Description>) {
  return <Primitive.Description className={cn("mt-1.5 text-sm text-zinc-600", className)} {...props} />;
}
