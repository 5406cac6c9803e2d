"use client";

import { ChevronsUpDown } from "lucide-react";
import { useState } from "react";

export interface SwitcherOrganisation {
  orgId: string;
  orgName: string;
  orgKind: "private" | "business";
  roleName: string;
}

export function KindBadge({ kind }: { kind: "private" | "business" }) {
  return (
    <span className="rounded bg-zinc-200/80 px-1.5 py-px text-[10px] font-semibold uppercase tracking-wide text-zinc-600">
      {kind === "private" ? "Private" : "Business"}
    </span>
  );
}

export const SWITCHER_TRIGGER_CLASS = "flex w-full items-center gap-2 rounded-md px-2 py-1.5 hover:bg-zinc-100";
export const switcherLabel = (current: SwitcherOrganisation) => `Organisation: ${current.orgName}. Switch organisation`;

type Menu = typeof import("./organisation-menu");
/** The menu (Radix, the switch action) loads when it is first wanted: pointed at, focused or opened. */
const loadMenu = () => import("./organisation-menu");

export function OrganisationSwitcher({ current, organisations }: { current: SwitcherOrganisation; organisations: SwitcherOrganisation[] }) {
  const [menu, setMenu] = useState<{ module: Menu; fromKeyboard: boolean } | null>(null);
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
  if (menu) return <menu.module.OrganisationMenu current={current} organisations={organisations} label={label} fromKeyboard={menu.fromKeyboard} />;

  const open = (fromKeyboard: boolean) => void loadMenu().then((module) => setMenu({ module, fromKeyboard }));
  return (
    <button
      type="button"
      aria-label={switcherLabel(current)}
      aria-haspopup="menu"
      aria-expanded={false}
      className={SWITCHER_TRIGGER_CLASS}
      onPointerEnter={() => void loadMenu()}
      onFocus={() => void loadMenu()}
      // A click from Enter or Space has no pointer position (detail 0).
      onClick={(event) => open(event.detail === 0)}
      onKeyDown={(event) => {
        if (event.key !== "ArrowDown") return;
        event.preventDefault();
        open(true);
      }}
    >
      {label}
      <ChevronsUpDown className="size-4 shrink-0 text-zinc-500" aria-hidden />
    </button>
  );
}
