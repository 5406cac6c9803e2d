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
}

const OUTCOME = {
  success: { tone: "success", label: "Succeeded" },
  denied: { tone: "warning", label: "Refused" },
  failure: { tone: "danger", label: "Failed" },
} as const;

/** Who did what, when and from where. */
export function AuditTable({ events }: { events: AuditRow[] }) {
  return (
    <Table>
      <thead>
        <tr>
          <Th>When</Th>
          <Th>Who</Th>
          <Th>What</Th>
          <Th>Outcome</Th>
          <Th>IP address</Th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id}>
            <Td className="tabular whitespace-nowrap text-zinc-600">{formatDateTime(e.occurredAt)}</Td>
            <Td className="text-zinc-900">{e.actorLabel}</Td>
            <Td>{auditActionLabel(e.action)}</Td>
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
