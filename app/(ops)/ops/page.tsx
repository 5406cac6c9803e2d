import type { Metadata } from "next";
import Link from "next/link";
import { OrganisationActions } from "@/components/admin/organisations";
import { OperatorsOnly } from "@/components/shell/operators-only";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/current";
import { query } from "@/lib/query";
import { formatDate } from "@/lib/format";
import { listOrganisationsForOperator } from "@/lib/ops/list-organisations";
import { API_PRODUCT_LABELS } from "@/lib/permissions";

export const metadata: Metadata = { title: "Operator area" };

const STATUS_TONE = { approved: "success", pending: "pending", suspended: "danger" } as const;

export default async function OpsPage() {
  const actor = await requirePageActor();
  if (!actor.user.isOperator) return <OperatorsOnly />;
  const orgs = await query(listOrganisationsForOperator, actor);
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Operations" }, { label: "Organisations" }]}
        title="Organisations"
        description="Customers, their onboarding status and the API products enabled for them. Every change asks for your PIN and is audited."
        action={
          <Link href="/ops/outbox" className="text-sm font-medium text-accent-700 hover:underline">
            E-mail outbox
          </Link>
        }
      />
      <PageBody>
        <Table label="Organisations and their onboarding">
          <thead>
            <tr>
              <Th>Organisation</Th>
              <Th>Kind</Th>
              <Th>Status</Th>
              <Th>Products</Th>
              <Th className="text-right">Members</Th>
              <Th className="text-right">Applications</Th>
              <Th className="whitespace-nowrap">Customer since</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </thead>
          <tbody>
            {orgs.map((org) => (
              <tr key={org.id}>
                <Td className="font-medium text-zinc-900">{org.name}</Td>
                <Td className="text-zinc-600">{org.kind === "private" ? "Private" : "Business"}</Td>
                <Td>
                  <Badge tone={STATUS_TONE[org.status]}>{org.status[0]!.toUpperCase() + org.status.slice(1)}</Badge>
                </Td>
                <Td className="text-zinc-600">{org.products.length ? org.products.map((p) => API_PRODUCT_LABELS[p]).join(", ") : "None"}</Td>
                <Td className="tabular text-right">{org.members}</Td>
                <Td className="tabular text-right">{org.applications}</Td>
                <Td className="tabular whitespace-nowrap text-zinc-600">{formatDate(org.createdAt)}</Td>
                <Td className="text-right">
                  <OrganisationActions org={{ id: org.id, name: org.name, status: org.status, products: org.products }} />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </PageBody>
    </>
  );
}
