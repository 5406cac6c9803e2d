import "server-only";
import type { z } from "zod";
import type { RequestInfo } from "@/lib/audit/record-event";
import type { Database } from "@/lib/db";
import { type DomainErrorCode, parseOrThrow } from "@/lib/errors";
import { assertMayGrant, assertMayManage, assertSuperadmin, loadMember, loadRole, type MemberTarget, type RoleRow } from "@/lib/members/rules";
import type { MemberPermission } from "@/lib/permissions";
import type { Actor, MemberActor } from "./actor";
import { authorizeAudited } from "./authorize-audited";
import { verifyActionPin } from "./pin";

export type { MemberActor };

/** Where a command was asked from; `origin` (the portal's own address) is there for commands that write links. */
export type CommandRequest = RequestInfo & { origin?: string };

/**
 * Who may run a command — declared once, checked before anything is read, and every refusal audited.
 * - `permission`: a member permission in the active organisation; with `superadmin`, held by the
 *   organisation's Superadmin alone; with `manages`, only on a member the actor may manage (nobody
 *   themselves, never the Superadmin, never someone holding more); with `grants`, only handing out a
 *   role the actor may grant (never Superadmin, never more than they hold).
 * - `operator`: bank staff.
 * - `self`: a person acting on their own account only; the text says why no permission is needed.
 */
export type CommandRequirement<I> =
  | {
      permission: MemberPermission;
      superadmin?: { message: string; code?: DomainErrorCode };
      manages?: (input: I) => string;
      grants?: (input: I) => string;
    }
  | { operator: true }
  | { self: string; allowWithoutPin?: boolean };

/** What a command's body is handed: the parsed input, an actor of the right kind, the members and roles its requirement loaded. */
export type CommandContext<I, Req, Q extends RequestInfo> = {
  db: Database;
  actor: Req extends { permission: MemberPermission } ? MemberActor : Actor;
  input: I;
  request: Q;
} & (Req extends { manages: (input: I) => string } ? { member: MemberTarget } : unknown) &
  (Req extends { grants: (input: I) => string } ? { role: RoleRow } : unknown);

type Input<S extends z.ZodType> = Omit<z.output<S>, "pin">;

export interface CommandSpec<S extends z.ZodType, Req extends CommandRequirement<Input<S>>, Q extends RequestInfo, L, R> {
  /** The audit action of the change, and of its refusals. */
  action: string | ((input: Input<S>) => string);
  /** What a refusal's audit row names as its target. */
  target: { type: string; id?: (input: Input<S>) => string | null | undefined };
  requires: Req;
  schema: S;
  /** Lists whose items' faults are named by the list itself (`keyIds`, not `keyIds.3`). */
  lists?: readonly string[];
  /** Confirmed with the actor's PIN (the input's `pin`), after `load` and before `run`. */
  pin?: boolean;
  /** Reads what the change needs and refuses what cannot be done — before the PIN is asked for. */
  load?: (context: CommandContext<Input<S>, Req, Q>) => Promise<L>;
  /** The change itself, with its audit row, in one transaction; `confirmedPin` is the PIN just verified, when `pin` is set. */
  run: (context: CommandContext<Input<S>, Req, Q> & { confirmedPin?: string }, loaded: L) => Promise<R>;
}

export interface CommandDefinition {
  action: string | ((input: never) => string);
  requires: CommandRequirement<never>;
  pin: boolean;
}

/** A declared command: callable as `command(db, actor, input, request)`; its declaration is readable by tests. */
export type Command<In, R, Q extends RequestInfo = CommandRequest> = ((db: Database, actor: Actor, input: unknown, request: Q) => Promise<R>) & {
  readonly definition: CommandDefinition;
  /** The input the command accepts, for typing its server action; never read at run time. */
  readonly __input?: In;
};

export type CommandInput<C> = C extends Command<infer In, unknown, never> ? In : never;

/**
 * Declares a domain command. Every call parses the input with `schema` (a DomainError naming each
 * field), authorizes the actor against `requires` with an audited refusal, loads and checks the
 * members and roles the requirement names, runs `load`, checks the PIN when `pin` is set, then `run`.
 */
export function defineCommand<S extends z.ZodType, Req extends CommandRequirement<Input<S>>, L = undefined, R = void, Q extends RequestInfo = CommandRequest>(
  spec: CommandSpec<S, Req, Q, L, R>,
): Command<z.input<S>, R, Q> {
  const command = async (db: Database, actor: Actor, rawInput: unknown, request: Q): Promise<R> => {
    const parsed = parseOrThrow(spec.schema.safeParse(rawInput), { lists: spec.lists }) as { pin?: unknown };
    // A PIN-confirmed command's `pin` is the confirmation, never part of the change itself.
    const { pin, ...rest } = parsed;
    const input = (spec.pin ? rest : parsed) as Input<S>;
    const action = typeof spec.action === "function" ? spec.action(input) : spec.action;
    const attempted = { action, targetType: spec.target.type, targetId: spec.target.id?.(input) ?? null };
    const requires = spec.requires as CommandRequirement<Input<S>>;
    const subjects: { member?: MemberTarget; role?: RoleRow } = {};
    if ("operator" in requires) {
      await authorizeAudited(db, actor, { operator: true }, attempted, request);
    } else if ("self" in requires) {
      await authorizeAudited(db, actor, { allowWithoutPin: requires.allowWithoutPin }, attempted, request);
    } else {
      const member = await authorizeAudited(db, actor, { permission: requires.permission }, attempted, request);
      const orgId = member.org.id;
      if (requires.superadmin) await assertSuperadmin(db, actor, request, attempted, requires.superadmin);
      if (requires.manages) {
        subjects.member = await loadMember(db, orgId, requires.manages(input));
        await assertMayManage(db, actor, subjects.member, request, action);
      }
      if (requires.grants) {
        subjects.role = await loadRole(db, orgId, requires.grants(input));
        const target = attempted.targetId ? attempted : { action, targetType: "role", targetId: subjects.role.id };
        await assertMayGrant(db, actor, subjects.role, request, { ...target, targetId: target.targetId! });
      }
    }
    const context = { db, actor, input, request, ...subjects } as CommandContext<Input<S>, Req, Q>;
    const loaded = spec.load ? await spec.load(context) : (undefined as L);
    if (!spec.pin) return spec.run(context, loaded);
    await verifyActionPin(db, actor, pin, request);
    return spec.run({ ...context, confirmedPin: pin as string }, loaded);
  };
  return Object.assign(command, { definition: { action: spec.action, requires: spec.requires, pin: Boolean(spec.pin) } as CommandDefinition });
}
