import type { Metadata } from "next";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/current";
import { getDb } from "@/lib/db";
import { formatDate } from "@/lib/format";
import { listMembers } from "@/lib/members/list-members";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const actor = await requirePageActor({ organisation: true });
  const members = await listMembers(getDb(), actor);
  return (
    <>
      <PageHeader
        crumbs={[{ label: actor.org!.name }, { label: "Members" }]}
        title="Members"
        description="Everyone who can sign in to this organisation, and the role that decides what they may do."
      />
      <PageBody>
        <Table>
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Email</Th>
              <Th>Role</Th>
              <Th>PIN</Th>
              <Th>Member since</Th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.userId}>
                <Td className="font-medium text-zinc-900">
                  {m.name}
                  {m.userId === actor.user.id ? <span className="ml-1.5 text-xs font-normal text-zinc-500">(you)</span> : null}
                </Td>
                <Td className="text-zinc-600">{m.email}</Td>
                <Td>
                  <Badge tone={m.builtInRole === "superadmin" ? "accent" : "neutral"}>{m.roleName}</Badge>
                </Td>
                <Td className="text-zinc-600">{m.pinSet ? "Set" : "Not yet set"}</Td>
                <Td className="tabular text-zinc-600">{formatDate(m.joinedAt)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
        <p className="text-sm text-zinc-500">
          {members.length} {members.length === 1 ? "member" : "members"}. Inviting members and changing roles are done by a
          Superadmin or Admin, each confirmed with a PIN.
        </p>
      </PageBody>
    </>
  );
}
