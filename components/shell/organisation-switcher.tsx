"use client";

import { Check, ChevronsUpDown } from "lucide-react";
import { useRouter } from "next/navigation";
import { DropdownMenu } from "radix-ui";
import { useTransition } from "react";
import { toast } from "sonner";
import { switchOrganisationAction } from "@/lib/actions/switch-organisation";
import { cn } from "@/lib/utils";

export interface SwitcherOrganisation {
  orgId: string;
  orgName: string;
  orgKind: "private" | "business";
  roleName: string;
}

function KindBadge({ kind }: { kind: "private" | "business" }) {
  return (
    <span className="rounded bg-zinc-200/80 px-1.5 py-px text-[10px] font-semibold uppercase tracking-wide text-zinc-600">
      {kind === "private" ? "Private" : "Business"}
    </span>
  );
}

export function OrganisationSwitcher({ current, organisations }: { current: SwitcherOrganisation; organisations: SwitcherOrganisation[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const several = organisations.length > 1;

  const label = (
    <span className="min-w-0 flex-1 text-left">
      <span className="block truncate text-sm font-semibold text-zinc-900">{current.orgName}</span>
      <span className="mt-0.5 flex items-center gap-1.5">
        <KindBadge kind={current.orgKind} />
        <span className="truncate text-xs text-zinc-600">{current.roleName}</span>
      </span>
    </span>
  );

  if (!several) return <div className="flex items-center gap-2 rounded-md px-2 py-1.5">{label}</div>;

  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger
        aria-label={`Organisation: ${current.orgName}. Switch organisation`}
        className={cn("flex w-full items-center gap-2 rounded-md px-2 py-1.5 hover:bg-zinc-100", pending && "opacity-60")}
      >
        {label}
        <ChevronsUpDown className="size-4 shrink-0 text-zinc-500" aria-hidden />
      </DropdownMenu.Trigger>
      <DropdownMenu.Content align="start" sideOffset={6} className="z-50 w-64 rounded-lg border border-zinc-200 bg-white p-1 shadow-lg">
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
