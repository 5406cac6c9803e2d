import "server-only";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Executor } from "@/lib/db";
import type { MemberPermission } from "@/lib/permissions";
import type { Actor, MemberActor } from "./actor";
import { authorize, type Requirement } from "./authorize";
import { AccessError } from "./errors";
import { noteAttempt } from "./tenancy";

/**
 * `authorize`, and when it refuses, one audit row saying who was refused what. When it lets the actor
 * go ahead, it notes the target, so that an action ending in "not found" for another organisation's
 * id is audited as denied at the boundary (lib/auth/tenancy.ts).
 */
export async function authorizeAudited(
  db: Executor,
  actor: Actor | null,
  requirement: Requirement & ({ organisation: true } | { permission: MemberPermission }),
  attempted: { action: string; targetType: string; targetId?: string | null },
  request: RequestInfo,
): Promise<MemberActor>;
export async function authorizeAudited(
  db: Executor,
  actor: Actor | null,
  requirement: Requirement,
  attempted: { action: string; targetType: string; targetId?: string | null },
  request: RequestInfo,
): Promise<Actor>;
export async function authorizeAudited(
  db: Executor,
  actor: Actor | null,
  requirement: Requirement,
  attempted: { action: string; targetType: string; targetId?: string | null },
  request: RequestInfo,
): Promise<Actor> {
  try {
    const allowed = authorize(actor, requirement);
    noteAttempt(allowed, attempted);
    return allowed;
  } catch (error) {
    if (error instanceof AccessError && actor) {
      await recordAuditEvent(db, {
        ...actorFields(actor, request),
        ...attempted,
        outcome: "denied",
        metadata: { reason: error.code, permission: requirement.permission ?? null },
      });
    }
    throw error;
  }
}
