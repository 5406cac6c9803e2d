import { ClipboardCheck, Lock } from "lucide-react";
import type { Metadata } from "next";
import { PaymentDecision } from "@/components/payments/payment-decision";
import { Notice } from "@/components/shell/notice";
import { PageBody, PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePageActor } from "@/lib/auth/current";
import { query } from "@/lib/query";
import { formatDateTime, formatMoney, maskedNumber } from "@/lib/format";
import { listPaymentsForApproval } from "@/lib/payments/list-payments";

export const metadata: Metadata = { title: "Payment approvals" };

export default async function PaymentsPage() {
  const actor = await requirePageActor({ organisation: true });
  const header = (
    <PageHeader
      crumbs={[{ label: actor.org.name }, { label: "Payment approvals" }]}
      title="Payment approvals"
      description="Payments your software creates through the API wait here until a member approves them with a PIN."
    />
  );
  if (!actor.permissions.has("payments:approve")) {
    return (
      <>
        {header}
        <PageBody>
          <Notice icon={Lock} title="You can't approve payments">
            Your role ({actor.role?.name}) does not include approving payments.
          </Notice>
        </PageBody>
      </>
    );
  }
  const { pending, decided } = await query(listPaymentsForApproval, actor);
  return (
    <>
      {header}
      <PageBody>
        <section aria-labelledby="waiting">
          <h2 id="waiting" className="mb-3 text-sm font-semibold text-zinc-900">
            Waiting for approval <Badge tone="pending">{pending.length}</Badge>
          </h2>
          {pending.length === 0 ? (
            <Notice icon={ClipboardCheck} title="No payments are waiting">
              Payments created through the API appear here. Nothing leaves an account until it is approved.
            </Notice>
          ) : (
            <Table label="Payments waiting for approval">
              <thead>
                <tr>
                  <Th>Beneficiary</Th>
                  <Th className="text-right">Amount</Th>
                  <Th>From</Th>
                  <Th>Reference</Th>
                  <Th>Created by</Th>
                  <Th>Created</Th>
                  <Th className="text-right">Decision</Th>
                </tr>
              </thead>
              <tbody>
                {pending.map((p) => {
                  const amount = formatMoney(p.amount, p.currency);
                  return (
                    <tr key={p.id}>
                      <Td>
                        <span className="font-medium text-zinc-900">{p.beneficiaryName}</span>
                        <span className="block font-mono text-xs text-zinc-500">
                          {p.beneficiaryAccountNumber} · {p.beneficiaryBankCode}
                        </span>
                      </Td>
                      <Td className="tabular text-right font-medium whitespace-nowrap">{amount}</Td>
                      <Td className="text-zinc-600">
                        {p.accountName}
                        <span className="block font-mono text-xs">{maskedNumber(p.accountNumber)}</span>
                      </Td>
                      <Td className="text-zinc-600">{p.reference}</Td>
                      <Td className="text-zinc-600">
                        {p.keyAlias ?? "API"}
                        {p.keyPrefix ? <span className="block font-mono text-xs">{p.keyPrefix}…</span> : null}
                      </Td>
                      <Td className="tabular whitespace-nowrap text-zinc-600">{formatDateTime(p.createdAt)}</Td>
                      <Td>
                        <PaymentDecision paymentId={p.id} summary={`${amount} to ${p.beneficiaryName}`} />
                      </Td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
          )}
        </section>
        {decided.length ? (
          <section aria-labelledby="decided">
            <h2 id="decided" className="mb-3 text-sm font-semibold text-zinc-900">
              Recently decided
            </h2>
            <Table label="Recently decided payments">
              <thead>
                <tr>
                  <Th>Beneficiary</Th>
                  <Th className="text-right">Amount</Th>
                  <Th>Reference</Th>
                  <Th>Status</Th>
                  <Th>Decided by</Th>
                  <Th>Decided</Th>
                </tr>
              </thead>
              <tbody>
                {decided.map((p) => (
                  <tr key={p.id}>
                    <Td className="font-medium text-zinc-900">{p.beneficiaryName}</Td>
                    <Td className="tabular text-right whitespace-nowrap">{formatMoney(p.amount, p.currency)}</Td>
                    <Td className="text-zinc-600">{p.reference}</Td>
                    <Td>
                      <Badge tone={p.status === "executed" ? "success" : "danger"}>{p.status === "executed" ? "Executed" : "Rejected"}</Badge>
                    </Td>
                    <Td className="text-zinc-600">{p.decidedByName ?? "—"}</Td>
                    <Td className="tabular whitespace-nowrap text-zinc-600">{p.decidedAt ? formatDateTime(p.decidedAt) : "—"}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </section>
        ) : null}
      </PageBody>
    </>
  );
}
