import "server-only";
import type { z } from "zod";
import { actorFields, type RequestInfo, recordAuditEvent } from "@/lib/audit/record-event";
import type { Database } from "@/lib/db";
import { DomainError, type DomainErrorCode, PasskeyChallenge, parseOrThrow } from "@/lib/errors";
import { assertMayGrant, assertMayManage, assertSuperadmin, loadMember, loadRole, type MemberTarget, type RoleRow } from "@/lib/members/rules";
import { passkeyRequired } from "@/lib/organisations/passkey-required";
import { issueStepUpChallenge } from "@/lib/passkeys/step-up-challenge";
import type { MemberPermission } from "@/lib/permissions";
import type { PasskeyAssertion } from "@/lib/schemas/step-up";
import type { Actor, MemberActor } from "./actor";
import { authorizeAudited } from "./authorize-audited";
import { stepUpDigest, verifyActionPasskey } from "./passkey";
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
  /**
   * Confirmed after `load` and before `run` with the actor's PIN (the input's `pin`) or, instead, a
   * passkey (the input's `passkey`: an assertion for a challenge issued for this action on this target).
   * `passkey: "challenge"` asks for that challenge: the command authorizes and loads as for the
   * change itself, then answers with a PasskeyChallenge and changes nothing.
   */
  pin?: boolean;
  /** Only the PIN itself confirms this (a passkey is refused): for a command that needs the PIN's value. */
  pinOnly?: boolean;
  /**
   * Whether this change moves money or makes a key that can: when it does and the organisation
   * requires a passkey for that, the PIN alone is refused (before it is checked).
   */
  movesMoney?: (input: Input<S>, loaded: NoInfer<L>) => boolean;
  /** Reads what the change needs and refuses what cannot be done — before the PIN is asked for. */
  load?: (context: CommandContext<Input<S>, Req, Q>) => Promise<L>;
  /**
   * The change itself, with its audit row, in one transaction. `confirmedPin` is the PIN just
   * verified, when the PIN confirmed it; when a passkey did, `request.confirmedWith` names it, and
   * every audit row written with `actorFields(actor, request)` records it.
   */
  run: (context: CommandContext<Input<S>, Req, Q> & { confirmedPin?: string }, loaded: L) => Promise<R>;
}

export interface CommandDefinition {
  action: string | ((input: never) => string);
  requires: CommandRequirement<never>;
  pin: boolean;
  /** Whether the organisation's passkey requirement for money applies to it. */
  movesMoney: boolean;
}

/** A declared command: callable as `command(db, actor, input, request)`; its declaration is readable by tests. */
export type Command<In, R, Q extends RequestInfo = CommandRequest> = ((db: Database, actor: Actor, input: unknown, request: Q) => Promise<R>) & {
  readonly definition: CommandDefinition;
  /** The input the command accepts, for typing its server action; never read at run time. */
  readonly __input?: In;
};

/** A PIN-confirmed command's input may carry a passkey assertion instead of the PIN. */
type StepUpInput<S extends z.ZodType> = "pin" extends keyof z.input<S> ? { passkey?: PasskeyAssertion | "challenge" } : unknown;

export type CommandInput<C> = C extends Command<infer In, unknown, never> ? In : never;

/**
 * Declares a domain command. Every call parses the input with `schema` (a DomainError naming each
 * field), authorizes the actor against `requires` with an audited refusal, loads and checks the
 * members and roles the requirement names, runs `load`, checks the PIN when `pin` is set, then `run`.
 */
export function defineCommand<S extends z.ZodType, Req extends CommandRequirement<Input<S>>, L = undefined, R = void, Q extends RequestInfo = CommandRequest>(
  spec: CommandSpec<S, Req, Q, L, R>,
): Command<z.input<S> & StepUpInput<S>, R, Q> {
  const command = async (db: Database, actor: Actor, rawInput: unknown, request: Q): Promise<R> => {
    // A passkey, when given, confirms instead of the PIN: both leave the input before the schema reads it.
    const { raw, passkey } = spec.pin ? takePasskey(rawInput) : { raw: rawInput, passkey: undefined };
    if (passkey !== undefined && spec.pinOnly) {
      throw new DomainError("passkey_invalid", "This needs your current PIN: a passkey cannot confirm it.", { pin: "Enter your current PIN" });
    }
    const result = spec.schema.safeParse(raw);
    const pinMissing = spec.pin && passkey === undefined && (raw as { pin?: unknown } | null)?.pin === undefined;
    const parsed = parseOrThrow(pinMissing ? withPinMissing(result) : result, { lists: spec.lists }) as { pin?: unknown };
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
    if (passkey === "challenge") {
      // Asked by a member this command has just authorized, for this action on this target alone.
      const { options } = await issueStepUpChallenge(db, actor, { action, targetId: attempted.targetId, inputDigest: stepUpDigest(input) }, request);
      throw new PasskeyChallenge(options);
    }
    if (passkey === undefined && actor.org && spec.movesMoney?.(input, loaded) && (await passkeyRequired(db, actor.org.id))) {
      await recordAuditEvent(db, { ...actorFields(actor, request), ...attempted, outcome: "denied", metadata: { reason: "passkey_required" } });
      throw new DomainError("passkey_required", PASSKEY_REQUIRED, { pin: "Confirm with a passkey" });
    }
    if (passkey !== undefined) {
      const confirmedWith = await verifyActionPasskey(db, actor, passkey, { action, targetId: attempted.targetId, inputDigest: stepUpDigest(input) }, request);
      return spec.run({ ...context, request: { ...request, confirmedWith } }, loaded);
    }
    await verifyActionPin(db, actor, pin, request);
    return spec.run({ ...context, confirmedPin: pin as string }, loaded);
  };
  return Object.assign(command, {
    definition: { action: spec.action, requires: spec.requires, pin: Boolean(spec.pin), movesMoney: Boolean(spec.movesMoney) } as CommandDefinition,
  });
}

export const PASSKEY_REQUIRED = "Your organisation requires a passkey for this. Add one under Settings › Passkeys, then confirm with it.";

/** Takes `passkey` off a PIN-confirmed command's input; with a passkey, the PIN is not read at all. */
function takePasskey(rawInput: unknown): { raw: unknown; passkey: unknown } {
  if (typeof rawInput !== "object" || rawInput === null || Array.isArray(rawInput) || !("passkey" in rawInput)) return { raw: rawInput, passkey: undefined };
  const { passkey, ...rest } = rawInput as Record<string, unknown>;
  if (passkey === undefined) return { raw: rest, passkey };
  const { pin: _ignored, ...withoutPin } = rest;
  return { raw: withoutPin, passkey };
}

type ParseResult = { success: true; data: unknown } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };

/** Without a passkey, the PIN is required: its field error joins the schema's own. */
function withPinMissing(result: ParseResult): ParseResult {
  const issues = result.success ? [] : result.error.issues;
  return { success: false, error: { issues: [...issues, { path: ["pin"], message: "Enter your 6-digit PIN" }] } };
}
