import { CircleCheck, Clock, Snowflake, Trash2 } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { KEY_STATUS_LABELS, type KeyStatus } from "@/lib/key-status";

const TONE = { active: "success", expiring: "warning", frozen: "frozen", revoked: "danger" } as const;
const ICON = { active: CircleCheck, expiring: Clock, frozen: Snowflake, revoked: Trash2 } as const;

export function KeyStatusBadge({ status }: { status: KeyStatus }) {
  const Icon = ICON[status];
  return (
    <Badge tone={TONE[status]}>
      <Icon className="size-3" aria-hidden />
      {KEY_STATUS_LABELS[status]}
    </Badge>
  );
}

/** Test keys carry an orange TEST badge; live keys just say Live. */
export function ModeBadge({ mode }: { mode: "live" | "test" }) {
  return mode === "test" ? <Badge tone="test">Test</Badge> : <span className="text-sm text-zinc-700">Live</span>;
}
