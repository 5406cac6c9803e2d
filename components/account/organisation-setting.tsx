import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";

/**
 * One on/off setting of the organisation on the Settings page: its state in words (not by colour
 * alone), what it does, and the Superadmin's toggle — or, for anyone else, why they cannot change it.
 */
export function OrganisationSetting({
  id,
  title,
  on,
  state,
  children,
  toggle,
  roleName,
}: {
  id: string;
  title: string;
  on: boolean;
  /** The setting's state in one sentence, as it is now. */
  state: string;
  /** What the setting does. */
  children: ReactNode;
  /** The Superadmin's toggle; null for anyone else. */
  toggle: ReactNode | null;
  roleName: string | undefined;
}) {
  return (
    <Card aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="border-b border-zinc-200 px-5 py-3 text-sm font-semibold text-zinc-900">
        {title}
      </h2>
      <div className="flex flex-wrap items-start justify-between gap-x-6 gap-y-3 px-5 py-4 text-sm">
        <div className="min-w-0 flex-1 basis-64 space-y-1">
          <p className="flex items-center gap-2 font-medium text-zinc-900" data-testid={`${id}-state`}>
            {on ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
            {state}
          </p>
          <p className="text-zinc-600">{children}</p>
        </div>
        {toggle ?? <p className="basis-64 text-zinc-600">Only the Superadmin can change this setting; your role is {roleName}.</p>}
      </div>
    </Card>
  );
}
