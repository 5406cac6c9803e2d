import { Banknote, CircleCheck, Clock, Hourglass, ShieldAlert, Snowflake, Trash2 } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { grantsByProduct, movesMoney } from "@/lib/key-grants";
import { KEY_STATUS_LABELS, type KeyStatus } from "@/lib/key-status";

const TONE = { active: "success", expiring: "warning", frozen: "frozen", leaked: "danger", revoked: "danger" } as const;
const ICON = { active: CircleCheck, expiring: Clock, frozen: Snowflake, leaked: ShieldAlert, revoked: Trash2 } as const;

/** A key's status; for a key waiting for a second member's approval (maker-checker), "Waiting for approval" beside it. */
export function KeyStatusBadge({ status, pendingApproval = false }: { status: KeyStatus; pendingApproval?: boolean }) {
  const Icon = ICON[status];
  const badge = (
    <Badge tone={TONE[status]}>
      <Icon className="size-3" aria-hidden />
      {KEY_STATUS_LABELS[status]}
    </Badge>
  );
  if (!pendingApproval) return badge;
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5 max-md:justify-end">
      <PendingApprovalBadge />
      {badge}
    </span>
  );
}

/** A key the API refuses until a second member approves it. */
export function PendingApprovalBadge() {
  return (
    <Badge tone="warning">
      <Hourglass className="size-3" aria-hidden />
      Waiting for approval
    </Badge>
  );
}

/** Test keys carry an orange TEST badge; live keys just say Live. */
export function ModeBadge({ mode }: { mode: "live" | "test" }) {
  return mode === "test" ? <Badge tone="test">Test</Badge> : <span className="text-sm text-zinc-700">Live</span>;
}

/** The unmistakable mark of a key holding transfers:edit or payments:edit. */
export function MovesMoneyBadge() {
  return (
    <Badge tone="danger" title="This key holds transfers:edit or payments:edit: it can move money">
      <Banknote className="size-3" aria-hidden />
      Moves money
    </Badge>
  );
}

/** A key's products and, under each, what it may do there in words; the "Moves money" mark first. */
export function KeyGrants({ permissions, compact = false }: { permissions: readonly string[]; compact?: boolean }) {
  const groups = grantsByProduct(permissions);
  return (
    <div className={compact ? "space-y-1" : "space-y-3"}>
      {movesMoney(permissions) ? <MovesMoneyBadge /> : null}
      {groups.map((group) =>
        compact ? (
          <p key={group.product} className="text-xs leading-snug text-zinc-600">
            <span className="font-semibold text-zinc-800">{group.label}:</span> {group.lines.join(" · ")}
          </p>
        ) : (
          <div key={group.product}>
            <span className="block text-sm font-semibold text-zinc-900">{group.label}</span>
            <span className="block text-sm text-zinc-600">{group.lines.join(" · ")}</span>
          </div>
        ),
      )}
    </div>
  );
}
