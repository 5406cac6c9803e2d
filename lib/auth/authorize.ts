import "server-only";
import type { MemberPermission } from "@/lib/permissions";
import type { Actor, MemberActor } from "./actor";
import { AccessError } from "./errors";

/** What a page, action or handler needs of the person calling it. */
export interface Requirement {
  /** A member permission in the active organisation. */
  permission?: MemberPermission;
  /** Bank operators only. */
  operator?: boolean;
  /** The PIN set-up page and action are the only things open to a member without a PIN. */
  allowWithoutPin?: boolean;
  /** Needs an active organisation (implied by `permission`). */
  organisation?: boolean;
}

/**
 * The one authorization rule. Every page, server action and route handler reaches it through
 * `requireActor` (lib/auth/current.ts); tests call it with actors they build.
 */
export function authorize(actor: Actor | null, requirement: Requirement & ({ organisation: true } | { permission: MemberPermission })): MemberActor;
export function authorize(actor: Actor | null, requirement?: Requirement): Actor;
export function authorize(actor: Actor | null, requirement: Requirement = {}): Actor {
  if (!actor) throw new AccessError("unauthenticated");
  if (!actor.user.hasPin && !requirement.allowWithoutPin) throw new AccessError("pin_setup_required");
  if (requirement.operator && !actor.user.isOperator) throw new AccessError("not_operator");
  if ((requirement.organisation || requirement.permission) && !actor.org) throw new AccessError("no_organisation");
  if (requirement.permission && !actor.permissions.has(requirement.permission)) throw new AccessError("forbidden");
  return actor;
}
