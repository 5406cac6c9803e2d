import type { Metadata } from "next";
import { EditRole, InviteMember, MemberActions, NewRole, WithdrawInvitation, type RoleOption } from "@/components/admin/members";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/current";
import { query } from "@/lib/query";
import { formatDate } from "@/lib/format";
import { listPendingInvitations } from "@/lib/members/list-invitations";
import { listMembers } from "@/lib/members/list-members";
import { grantRefusal, isSuperadmin, manageRefusal } from "@/lib/members/rules";
import { MEMBER_PERMISSION_LABELS, isMemberPermission } from "@/lib/permissions";
import { listRoles } from "@/lib/roles/manage-roles";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const actor = await requirePageActor({ organisation: true });
  const canManage = actor.permissions.has("members:manage");
  const superadmin = isSuperadmin(actor);
  const [members, roles, invitations] = await Promise.all([
    query(listMembers, actor),
    query(listRoles, actor),
    canManage ? query(listPendingInvitations, actor) : [],
  ]);
  const roleOptions: RoleOption[] = roles
    .filter((r) => r.builtIn !== "superadmin")
    .map((r) => ({ id: r.id, name: r.name, grantable: grantRefusal(actor, r) === null }));
  return (
    <>
      <PageHeader
        crumbs={[{ label: actor.org.name }, { label: "Members" }]}
        title="Members"
        description="Everyone who can sign in to this organisation, and the role that decides what they may do."
        action={canManage ? <InviteMember roles={roleOptions} /> : undefined}
      />
      <PageBody>
        <Table label="Everyone in this organisation">
          <thead>
            <tr>
              <Th>Member</Th>
              <Th>Role</Th>
              {/* Below 768 px these two move under the member's name, so the actions stay in view. */}
              <Th className="max-md:hidden">PIN</Th>
              <Th className="max-md:hidden">Member since</Th>
              {canManage ? <Th className="text-right">Actions</Th> : null}
            </tr>
          </thead>
          <tbody>
            {members.map((m) => {
              const refusal = manageRefusal(actor, {
                userId: m.userId,
                name: m.name,
                role: { id: m.roleId, name: m.roleName, builtIn: m.builtInRole, permissions: m.rolePermissions },
              });
              const self = m.userId === actor.user.id;
              return (
                <tr key={m.userId}>
                  <Td>
                    <div className="font-medium whitespace-nowrap text-zinc-900">
                      {m.name}
                      {self ? <span className="ml-1.5 text-xs font-normal text-zinc-500">(you)</span> : null}
                    </div>
                    <div className="text-xs break-all text-zinc-500">{m.email}</div>
                    <div className="mt-0.5 text-xs text-zinc-500 md:hidden">
                      PIN {m.pinSet ? "set" : "not yet set"} · member since {formatDate(m.joinedAt)}
                    </div>
                  </Td>
                  <Td>
                    <Badge tone={m.builtInRole === "superadmin" ? "accent" : "neutral"}>{m.roleName}</Badge>
                  </Td>
                  <Td className="whitespace-nowrap text-zinc-600 max-md:hidden">{m.pinSet ? "Set" : "Not yet set"}</Td>
                  <Td className="tabular whitespace-nowrap text-zinc-600 max-md:hidden">{formatDate(m.joinedAt)}</Td>
                  {canManage ? (
                    <Td className="text-right">
                      {self || m.builtInRole === "superadmin" ? (
                        <span className="text-xs text-zinc-500">{self ? "—" : "Hands the role on"}</span>
                      ) : (
                        <MemberActions
                          member={{ userId: m.userId, name: m.name, roleId: m.roleId, roleName: m.roleName, passkeys: m.passkeys }}
                          roles={roleOptions}
                          canManage={refusal === null}
                          isSuperadmin={superadmin}
                          why={refusal?.message}
                        />
                      )}
                    </Td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </Table>
        <p className="text-sm text-zinc-500">
          {members.length} {members.length === 1 ? "member" : "members"}.{" "}
          {canManage ? "Changing a role or removing someone asks for your PIN." : "A Superadmin or Admin invites members and changes roles."}
        </p>

        {canManage ? (
          <section aria-labelledby="invitations-heading" className="space-y-3">
            <h2 id="invitations-heading" className="text-base font-semibold text-zinc-900">
              Pending invitations
            </h2>
            {invitations.length === 0 ? (
              <p className="text-sm text-zinc-500">No invitation is waiting to be accepted.</p>
            ) : (
              <Table label="Invitations waiting to be accepted">
                <thead>
                  <tr>
                    <Th>Email</Th>
                    <Th>Role</Th>
                    <Th>Invited by</Th>
                    <Th>Link expires</Th>
                    <Th className="text-right">
                      <span className="sr-only">Actions</span>
                    </Th>
                  </tr>
                </thead>
                <tbody>
                  {invitations.map((i) => (
                    <tr key={i.id}>
                      <Td className="font-medium text-zinc-900">{i.email}</Td>
                      <Td>{i.roleName}</Td>
                      <Td className="text-zinc-600">{i.invitedBy}</Td>
                      <Td className="tabular text-zinc-600">{formatDate(i.expiresAt)}</Td>
                      <Td className="text-right">
                        <WithdrawInvitation invitationId={i.id} email={i.email} />
                      </Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </section>
        ) : null}

        <section aria-labelledby="roles-heading" className="space-y-3">
          <div className="flex flex-wrap items-end justify-between gap-x-4 gap-y-3">
            <div className="min-w-0">
              <h2 id="roles-heading" className="text-base font-semibold text-zinc-900">
                Roles
              </h2>
              <p className="text-sm text-zinc-600">
                {superadmin ? "Built-in roles are fixed; custom roles are yours to shape." : "The Superadmin creates and edits custom roles."}
              </p>
            </div>
            {superadmin ? <NewRole /> : null}
          </div>
          <Table label="Permissions of each role">
            <thead>
              <tr>
                <Th>Role</Th>
                <Th>Permissions</Th>
                <Th className="text-right">Members</Th>
                {superadmin ? (
                  <Th className="text-right">
                    <span className="sr-only">Actions</span>
                  </Th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {roles.map((r) => (
                <tr key={r.id}>
                  <Td className="align-top">
                    <span className="font-medium text-zinc-900">{r.name}</span>
                    <span className="ml-2 text-xs text-zinc-500">{r.builtIn ? "Built-in" : "Custom"}</span>
                    {r.description ? <span className="block text-xs text-zinc-500">{r.description}</span> : null}
                  </Td>
                  <Td className="text-zinc-600">
                    {r.permissions
                      .filter(isMemberPermission)
                      .map((p) => MEMBER_PERMISSION_LABELS[p])
                      .join(" · ")}
                  </Td>
                  <Td className="tabular text-right align-top">{r.members}</Td>
                  {superadmin ? <Td className="text-right align-top">{r.builtIn ? null : <EditRole role={r} />}</Td> : null}
                </tr>
              ))}
            </tbody>
          </Table>
        </section>
      </PageBody>
    </>
  );
}
