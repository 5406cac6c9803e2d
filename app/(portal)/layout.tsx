import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requirePageActor } from "@/lib/auth/current";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const actor = await requirePageActor();
  if (!actor.org || !actor.role) redirect(actor.user.isOperator ? "/ops" : "/no-organisation");
  return (
    <AppShell
      user={{ name: actor.user.name, email: actor.user.email }}
      current={{ orgId: actor.org.id, orgName: actor.org.name, orgKind: actor.org.kind, roleName: actor.role.name }}
      organisations={actor.memberships}
    >
      {children}
    </AppShell>
  );
}
