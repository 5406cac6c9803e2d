import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { NotificationBell } from "@/components/shell/notification-bell";
import { requirePageActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { formatRelative } from "@/lib/format";
import { keysNeedingAttention } from "@/lib/keys/attention";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const actor = await requirePageActor();
  if (!actor.org || !actor.role) redirect(actor.user.isOperator ? "/ops" : "/no-organisation");
  const now = new Date();
  const attention = await keysNeedingAttention(getDb(), actor, now);
  return (
    <AppShell
      user={{ name: actor.user.name, email: actor.user.email }}
      current={{ orgId: actor.org.id, orgName: actor.org.name, orgKind: actor.org.kind, roleName: actor.role.name }}
      organisations={actor.memberships}
      bell={
        actor.permissions.has("keys:view") ? (
          <NotificationBell
            items={attention.map((k) => ({
              id: k.id,
              alias: k.alias,
              prefix: k.prefix,
              status: k.status,
              when: k.status === "frozen" ? `frozen ${formatRelative(k.expiresAt, now)}` : `freezes ${formatRelative(k.expiresAt, now)}`,
            }))}
          />
        ) : null
      }
    >
      {children}
    </AppShell>
  );
}
