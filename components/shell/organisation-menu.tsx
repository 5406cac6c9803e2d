"use client";

import { Check, ChevronsUpDown } from "lucide-react";
import { useRouter } from "next/navigation";
import { DropdownMenu } from "radix-ui";
import { type ReactNode, useEffect, useRef, useTransition } from "react";
import { toast } from "@/components/ui/toaster";
import { switchOrganisationAction } from "@/lib/actions/switch-organisation";
import { cn } from "@/lib/utils";
import { KindBadge, type SwitcherOrganisation, SWITCHER_TRIGGER_CLASS, switcherLabel } from "./organisation-switcher";

/**
 * The organisation switcher's menu: loaded the first time the switcher is opened, and shown open.
 * Opened from the keyboard, the first organisation takes focus, as the menu does when it was there from the start.
 */
export function OrganisationMenu({
  current,
  organisations,
  label,
  fromKeyboard,
}: {
  current: SwitcherOrganisation;
  organisations: SwitcherOrganisation[];
  label: ReactNode;
  fromKeyboard: boolean;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const content = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, as the menu first opens
  useEffect(() => {
    if (!fromKeyboard) return;
    const frame = requestAnimationFrame(() => content.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus());
    return () => cancelAnimationFrame(frame);
  }, []);
  return (
    <DropdownMenu.Root modal={false} defaultOpen>
      <DropdownMenu.Trigger aria-label={switcherLabel(current)} className={cn(SWITCHER_TRIGGER_CLASS, pending && "opacity-60")}>
        {label}
        <ChevronsUpDown className="size-4 shrink-0 text-zinc-500" aria-hidden />
      </DropdownMenu.Trigger>
      <DropdownMenu.Content align="start" sideOffset={6} className="z-50 w-64 rounded-lg border border-zinc-200 bg-white p-1 shadow-lg" ref={content}>
        <DropdownMenu.Label className="px-2 py-1.5 text-xs font-medium text-zinc-500">Your organisations</DropdownMenu.Label>
        {organisations.map((org) => (
          <DropdownMenu.Item
            key={org.orgId}
            className="flex cursor-pointer items-center gap-2 rounded-md px-2 py-2 text-sm outline-none data-[highlighted]:bg-zinc-100"
            onSelect={() =>
              startTransition(async () => {
                if (org.orgId === current.orgId) return;
                const result = await switchOrganisationAction({ orgId: org.orgId });
                if (!result.ok) toast.error(result.error);
                else {
                  toast.success(`Switched to ${org.orgName}`);
                  router.push("/keys");
                  router.refresh();
                }
              })
            }
          >
            <span className="min-w-0 flex-1">
              <span className="block truncate font-medium">{org.orgName}</span>
              <span className="flex items-center gap-1.5 text-xs text-zinc-600">
                <KindBadge kind={org.orgKind} /> {org.roleName}
              </span>
            </span>
            {org.orgId === current.orgId ? (
              <>
                <Check className="size-4 text-accent-600" aria-hidden />
                <span className="sr-only">(current)</span>
              </>
            ) : null}
          </DropdownMenu.Item>
        ))}
      </DropdownMenu.Content>
    </DropdownMenu.Root>
  );
}
