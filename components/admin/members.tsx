"use client";

import { ArrowRightLeft, Crown, Fingerprint, Pencil, Plus, Trash2, UserMinus, UserPlus, X } from "lucide-react";
import { toast } from "@/components/ui/toaster";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { changeMemberRoleAction } from "@/lib/actions/change-member-role";
import { createRoleAction } from "@/lib/actions/create-role";
import { deleteRoleAction } from "@/lib/actions/delete-role";
import { handOnSuperadminAction } from "@/lib/actions/hand-on-superadmin";
import { inviteMemberAction } from "@/lib/actions/invite-member";
import { removeMemberAction } from "@/lib/actions/remove-member";
import { resetMemberPasskeysAction } from "@/lib/actions/reset-member-passkeys";
import { updateRoleAction } from "@/lib/actions/update-role";
import { withdrawInvitationAction } from "@/lib/actions/withdraw-invitation";
import { MEMBER_PERMISSIONS, MEMBER_PERMISSION_LABELS, type MemberPermission } from "@/lib/permissions";
import { inviteMemberSchema, roleFieldsSchema } from "@/lib/schemas/members";
import { focusHeading } from "@/components/ui/focus-return";
import { useHydrated } from "@/lib/use-hydrated";
import { StepUpForm } from "./step-up-form";

export interface RoleOption {
  id: string;
  name: string;
  /** Whether the person acting may give this role to someone. */
  grantable: boolean;
}

function errorProps(id: string, error: string | undefined) {
  return { id, "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${id}-error` : undefined };
}

function RoleSelect({ id, roles, value, onChange, error }: { id: string; roles: RoleOption[]; value: string; onChange: (v: string) => void; error?: string }) {
  return (
    <Field id={id} label="Role" error={error} hint="You can give only roles that hold no more than your own.">
      <Select {...errorProps(id, error)} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose a role…</option>
        {roles.map((r) => (
          <option key={r.id} value={r.id} disabled={!r.grantable}>
            {r.name}
            {r.grantable ? "" : " (beyond your role)"}
          </option>
        ))}
      </Select>
    </Field>
  );
}

export function InviteMember({ roles }: { roles: RoleOption[] }) {
  return (
    <StepUpForm
      trigger={
        <>
          <UserPlus aria-hidden /> Invite member
        </>
      }
      triggerVariant="primary"
      triggerSize="md"
      title="Invite a member"
      description="They get a one-time link to set their password; their PIN follows at their first sign-in."
      initial={{ email: "", roleId: roles.find((r) => r.name === "Viewer")?.id ?? "" }}
      schema={inviteMemberSchema.omit({ pin: true })}
      fields={(v, set, errors) => (
        <>
          <Field id="invite-email" label="Email address" error={errors.email}>
            <Input
              {...errorProps("invite-email", errors.email)}
              type="email"
              autoComplete="off"
              value={v.email}
              onChange={(e) => set({ ...v, email: e.target.value })}
              autoFocus
            />
          </Field>
          <RoleSelect id="invite-role" roles={roles} value={v.roleId} onChange={(roleId) => set({ ...v, roleId })} error={errors.roleId} />
        </>
      )}
      pinTitle="Confirm the invitation"
      pinDescription={(v) => (
        <>
          Invite <strong className="text-zinc-900">{v.email}</strong> as {roles.find((r) => r.id === v.roleId)?.name ?? "…"}.
        </>
      )}
      confirmLabel="Invite"
      run={(v, stepUp) => inviteMemberAction({ ...v, ...stepUp })}
      success={(v) => `${v.email} invited`}
      reveal={(result) => {
        const data = (result as { data: { link: string; emailed: boolean } }).data;
        return {
          title: "Invitation link",
          noun: "invitation link",
          secret: data.link,
          extra: (
            <p className="mt-3 text-sm text-zinc-600">
              {data.emailed ? "We e-mailed this link too. " : "E-mail is not configured here: send this link yourself. "}
              It works once, for 7 days.
            </p>
          ),
        };
      }}
    />
  );
}

export interface MemberView {
  userId: string;
  name: string;
  roleId: string;
  roleName: string;
  /** Passkeys the member has registered: a reset removes them all. */
  passkeys: number;
}

export function MemberActions({
  member,
  roles,
  canManage,
  isSuperadmin,
  why,
}: {
  member: MemberView;
  roles: RoleOption[];
  canManage: boolean;
  isSuperadmin: boolean;
  why?: string;
}) {
  // A member this person may not manage: the reason, visible, instead of buttons that do nothing.
  if (!canManage) return <span className="text-xs text-zinc-600">{why ?? "You cannot change this member."}</span>;
  return (
    <div className="flex justify-end gap-1.5">
      <StepUpForm
        trigger={
          <>
            <ArrowRightLeft aria-hidden /> Change role<span className="sr-only"> of {member.name}</span>
          </>
        }
        title={`Change ${member.name}’s role`}
        description={`${member.name} is ${member.roleName} now. The change applies on their next click.`}
        initial={{ roleId: member.roleId }}
        fields={(v, set, errors) => <RoleSelect id="member-role" roles={roles} value={v.roleId} onChange={(roleId) => set({ roleId })} error={errors.roleId} />}
        pinTitle={`Change ${member.name}’s role`}
        pinDescription={(v) => (
          <>
            {member.name}: {member.roleName} → <strong className="text-zinc-900">{roles.find((r) => r.id === v.roleId)?.name ?? "…"}</strong>
          </>
        )}
        confirmLabel="Change role"
        run={(v, stepUp) => changeMemberRoleAction({ userId: member.userId, roleId: v.roleId, ...stepUp })}
        success={(v) => `${member.name} is now ${roles.find((r) => r.id === v.roleId)?.name}`}
      />
      {isSuperadmin ? (
        <StepUpForm
          trigger={
            <>
              <Crown aria-hidden /> Hand on<span className="sr-only"> the Superadmin role to {member.name}</span>
            </>
          }
          title="Hand on the Superadmin role"
          initial={{}}
          pinTitle={`Make ${member.name} the Superadmin?`}
          pinDescription={() => <>There is always exactly one Superadmin. {member.name} becomes it, and you become an Admin.</>}
          confirmLabel="Hand on"
          destructive
          run={(_, stepUp) => handOnSuperadminAction({ userId: member.userId, ...stepUp })}
          success={() => `${member.name} is now the Superadmin`}
        />
      ) : null}
      {member.passkeys > 0 ? (
        <StepUpForm
          trigger={
            <>
              <Fingerprint aria-hidden /> Reset passkeys<span className="sr-only"> of {member.name}</span>
            </>
          }
          triggerVariant="ghost"
          title={`Reset ${member.name}’s passkeys`}
          initial={{}}
          pinTitle={`Remove ${member.name}’s ${member.passkeys === 1 ? "passkey" : `${member.passkeys} passkeys`}?`}
          pinDescription={() => <>For a member who lost their device. They confirm with their PIN until they add a new passkey under Settings.</>}
          confirmLabel="Reset passkeys"
          destructive
          run={(_, stepUp) => resetMemberPasskeysAction({ memberId: member.userId, ...stepUp })}
          success={() => `${member.name}’s passkeys were removed`}
        />
      ) : null}
      <StepUpForm
        trigger={
          <>
            <UserMinus aria-hidden /> Remove<span className="sr-only"> {member.name}</span>
          </>
        }
        triggerVariant="ghost"
        title={`Remove ${member.name}`}
        initial={{}}
        pinTitle={`Remove ${member.name}?`}
        pinDescription={() => <>They lose access to this organisation on their next click. Keys they created keep working.</>}
        confirmLabel="Remove"
        destructive
        run={(_, stepUp) => removeMemberAction({ userId: member.userId, ...stepUp })}
        success={() => `${member.name} removed`}
      />
    </div>
  );
}

export function WithdrawInvitation({ invitationId, email }: { invitationId: string; email: string }) {
  const hydrated = useHydrated();
  return (
    <Button
      variant="ghost"
      size="sm"
      disabled={!hydrated}
      onClick={async () => {
        const result = await withdrawInvitationAction({ invitationId });
        if (result.ok) {
          toast.success(`Invitation to ${email} withdrawn`);
          // This button goes with its row: focus goes to the list's heading, not to the page's top.
          // The action revalidates /members, so its answer already carries the list without the row.
          focusHeading("invitations-heading");
        } else toast.error(result.error);
      }}
    >
      <X aria-hidden /> Withdraw<span className="sr-only"> the invitation to {email}</span>
    </Button>
  );
}

interface RoleValues {
  name: string;
  description: string;
  permissions: MemberPermission[];
}

function RoleFields({ v, set, errors }: { v: RoleValues; set: (next: RoleValues) => void; errors: Record<string, string> }) {
  return (
    <>
      <Field id="role-name" label="Name" error={errors.name}>
        <Input {...errorProps("role-name", errors.name)} value={v.name} onChange={(e) => set({ ...v, name: e.target.value })} autoFocus />
      </Field>
      <Field id="role-description" label="Description (optional)" error={errors.description}>
        <Input {...errorProps("role-description", errors.description)} value={v.description} onChange={(e) => set({ ...v, description: e.target.value })} />
      </Field>
      <fieldset aria-describedby={errors.permissions ? "role-permissions-error" : undefined}>
        <legend className="text-sm font-medium text-zinc-800">Permissions</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {MEMBER_PERMISSIONS.map((p) => (
            <label
              key={p}
              className="flex items-start gap-2 rounded-md border border-zinc-200 px-3 py-2 text-sm text-zinc-800 has-[:checked]:border-accent-300 has-[:checked]:bg-accent-50"
            >
              <input
                type="checkbox"
                className="mt-0.5 size-4 accent-accent-600"
                checked={v.permissions.includes(p)}
                onChange={(e) => set({ ...v, permissions: e.target.checked ? [...v.permissions, p] : v.permissions.filter((x) => x !== p) })}
              />
              {MEMBER_PERMISSION_LABELS[p]}
            </label>
          ))}
        </div>
        {errors.permissions ? (
          <p id="role-permissions-error" className="mt-1.5 text-sm text-red-700">
            {errors.permissions}
          </p>
        ) : null}
      </fieldset>
    </>
  );
}

export function NewRole() {
  return (
    <StepUpForm
      trigger={
        <>
          <Plus aria-hidden /> New role
        </>
      }
      title="New role"
      description="A custom role is a set of member permissions. Members holding it feel changes on their next click."
      initial={{ name: "", description: "", permissions: ["keys:view"] as MemberPermission[] }}
      schema={roleFieldsSchema}
      fields={(v, set, errors) => <RoleFields v={v} set={set} errors={errors} />}
      pinTitle="Create the role"
      pinDescription={(v) => (
        <>
          <strong className="text-zinc-900">{v.name}</strong>: {v.permissions.map((p) => MEMBER_PERMISSION_LABELS[p]).join(", ")}.
        </>
      )}
      confirmLabel="Create role"
      run={(v, stepUp) => createRoleAction({ ...v, ...stepUp })}
      success={(v) => `Role “${v.name}” created`}
    />
  );
}

export function EditRole({ role }: { role: { id: string; name: string; description: string | null; permissions: string[] } }) {
  return (
    <div className="flex justify-end gap-1.5">
      <StepUpForm
        trigger={
          <>
            <Pencil aria-hidden /> Edit<span className="sr-only"> {role.name}</span>
          </>
        }
        title={`Edit ${role.name}`}
        initial={{ name: role.name, description: role.description ?? "", permissions: role.permissions as MemberPermission[] }}
        schema={roleFieldsSchema}
        fields={(v, set, errors) => <RoleFields v={v} set={set} errors={errors} />}
        pinTitle={`Save ${role.name}`}
        pinDescription={() => <>Everyone holding this role gets the new permissions on their next click.</>}
        confirmLabel="Save role"
        run={(v, stepUp) => updateRoleAction({ ...v, roleId: role.id, ...stepUp })}
        success={(v) => `Role “${v.name}” saved`}
      />
      <StepUpForm
        trigger={
          <>
            <Trash2 aria-hidden /> Delete<span className="sr-only"> {role.name}</span>
          </>
        }
        triggerVariant="ghost"
        title={`Delete ${role.name}`}
        initial={{}}
        pinTitle={`Delete ${role.name}?`}
        pinDescription={() => <>Only a role nobody holds can be deleted. Pending invitations offering it are withdrawn.</>}
        confirmLabel="Delete role"
        destructive
        run={(_, stepUp) => deleteRoleAction({ roleId: role.id, ...stepUp })}
        success={() => `Role “${role.name}” deleted`}
      />
    </div>
  );
}
