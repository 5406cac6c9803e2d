import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { FocusAfterNavigation } from "@/components/shell/focus-after-navigation";
import { NotificationBell } from "@/components/shell/notification-bell";
import { StepUpState } from "@/components/shell/step-up-context";
import { requirePageActor } from "@/lib/auth/current";
import { query } from "@/lib/query";
import { formatRelative } from "@/lib/format";
import { listNotifications } from "@/lib/notifications/notifications";

/** Where a notice leads, when the member may open what it is about: the key, or the webhook endpoint. */
function notificationLink(subjectType: string, subjectId: string, permissions: ReadonlySet<string>): string | null {
  if (subjectType === "api_key" && permissions.has("keys:view")) return `/keys/${subjectId}`;
  if (subjectType === "webhook_endpoint" && permissions.has("webhooks:manage")) return `/webhooks/${subjectId}`;
  return null;
}

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const actor = await requirePageActor();
  if (!actor.org || !actor.role) redirect(actor.user.isOperator ? "/ops" : "/no-organisation");
  const now = new Date();
  const { items, unread } = await query(listNotifications, actor);
  return (
    <AppShell
      user={{ name: actor.user.name, email: actor.user.email }}
      current={{ orgId: actor.org.id, orgName: actor.org.name, orgKind: actor.org.kind, roleName: actor.role.name }}
      organisations={actor.memberships}
      webhooks={actor.permissions.has("webhooks:manage")}
      bell={
        <NotificationBell
          unread={unread}
          items={items.map((n) => ({
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            href: notificationLink(n.subjectType, n.subjectId, actor.permissions),
            when: formatRelative(n.createdAt, now),
            unread: n.readAt === null,
          }))}
        />
      }
    >
      <FocusAfterNavigation />
      <StepUpState hasPasskey={actor.user.hasPasskey} />
      {children}
    </AppShell>
  );
}
