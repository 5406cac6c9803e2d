import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { auditActionLabel } from "@/lib/audit/action-labels";
import { formatDateTime } from "@/lib/format";

export interface AuditRow {
  id: number;
  occurredAt: Date;
  actorLabel: string;
  action: string;
  outcome: "success" | "denied" | "failure";
  ip: string | null;
  targetType?: string | null;
  targetId?: string | null;
  /** The target in words ("ERP sync · lk_live_4f9a…"), when known. */
  targetLabel?: string | null;
  /** Where the target can be opened, when it still exists. */
  targetHref?: string | null;
  /** The name of the passkey that confirmed the change, when one did. */
  confirmedWithPasskey?: string | null;
}

const TARGET_TYPES: Record<string, string> = {
  api_key: "API key",
  application: "Application",
  member: "Member",
  invitation: "Invitation",
  user: "Person",
  role: "Role",
  organisation: "Organisation",
  payment: "Payment",
  card: "Card",
  session: "Session",
  passkey: "Passkey",
};

const OUTCOME = {
  success: { tone: "success", label: "Succeeded" },
  denied: { tone: "warning", label: "Refused" },
  failure: { tone: "danger", label: "Failed" },
} as const;

/** Who did what, when and from where. */
export function AuditTable({ events, label, showTarget = false }: { events: AuditRow[]; label: string; showTarget?: boolean }) {
  return (
    <Table label={label}>
      <thead>
        <tr>
          <Th>When</Th>
          <Th>Who</Th>
          <Th>What</Th>
          {showTarget ? <Th>Target</Th> : null}
          <Th>Outcome</Th>
          <Th className="whitespace-nowrap">IP address</Th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id}>
            <Td className="tabular whitespace-nowrap text-zinc-600">{formatDateTime(e.occurredAt)}</Td>
            <Td className="text-zinc-900">{e.actorLabel}</Td>
            <Td>
              {auditActionLabel(e.action)}
              {e.confirmedWithPasskey ? (
                <span className="block text-xs break-words text-zinc-600">Confirmed with the passkey “{e.confirmedWithPasskey}”</span>
              ) : null}
            </Td>
            {showTarget ? (
              <Td className="text-xs text-zinc-500">
                {e.targetLabel ? (
                  <>
                    {e.targetHref ? (
                      <Link href={e.targetHref} className="block text-sm break-words text-zinc-900 hover:text-accent-700 hover:underline">
                        {e.targetLabel}
                      </Link>
                    ) : (
                      <span className="block text-sm break-words text-zinc-900">{e.targetLabel}</span>
                    )}
                    {e.targetType ? (TARGET_TYPES[e.targetType] ?? e.targetType) : null}
                  </>
                ) : (
                  <>
                    {e.targetType ? (TARGET_TYPES[e.targetType] ?? e.targetType) : "—"}
                    {e.targetId ? <span className="block font-mono">{e.targetId.slice(0, 8)}…</span> : null}
                  </>
                )}
              </Td>
            ) : null}
            <Td>
              <Badge tone={OUTCOME[e.outcome].tone}>{OUTCOME[e.outcome].label}</Badge>
            </Td>
            <Td className="font-mono text-xs text-zinc-500">{e.ip ?? "—"}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
