import "server-only";
import { type SQL, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { isMemberPermission, type ApiProduct, type MemberPermission } from "@/lib/permissions";
import { SESSION_ID, usableSession } from "./sessions";

export interface ActorOrganisation {
  id: string;
  name: string;
  kind: "private" | "business";
  status: "pending" | "approved" | "suspended";
  products: ApiProduct[];
}

export interface ActorMembership {
  orgId: string;
  orgName: string;
  orgKind: "private" | "business";
  roleName: string;
}

/** Who is acting, in which organisation, with which permissions — read fresh from the database. */
export interface Actor {
  sessionId: string;
  /** `hasPasskey`: whether a passkey can confirm in place of the PIN ("Use passkey" is offered first). */
  user: { id: string; name: string; email: string; isOperator: boolean; hasPin: boolean; hasPasskey: boolean };
  org: ActorOrganisation | null;
  role: { id: string; name: string; builtIn: string | null } | null;
  permissions: ReadonlySet<MemberPermission>;
  memberships: ActorMembership[];
}

/** An actor acting inside an organisation: what authorization hands back once it required one. */
export type MemberActor = Actor & { org: ActorOrganisation; role: NonNullable<Actor["role"]> };

/** One row of the actor's statement: the user and session, and one of their memberships (null when they have none). */
interface ActorRow extends Record<string, unknown> {
  user_id: string;
  name: string;
  email: string;
  is_operator: boolean;
  has_pin: boolean;
  has_passkey: boolean;
  active_org_id: string | null;
  org_id: string | null;
  org_name: string | null;
  org_kind: ActorOrganisation["kind"] | null;
  org_status: ActorOrganisation["status"] | null;
  products: string[] | null;
  role_id: string | null;
  role_name: string | null;
  built_in: string | null;
  permissions: string[] | null;
}

/**
 * The actor of the sessions `where` picks, in one statement: the user and the session's active
 * organisation, and every membership of the user (a row each, in the switcher's order: by name).
 * `prefix` goes before the select (a WITH clause). Enum arrays are read as text[], which both
 * drivers parse.
 */
function actorStatement(where: SQL, prefix: SQL = sql``): SQL {
  return sql`${prefix}
    select u.id as user_id, u.name, u.email, u.is_operator, u.pin_hash is not null as has_pin,
      exists (select 1 from passkeys p where p.user_id = u.id) as has_passkey, s.active_org_id,
      o.id as org_id, o.name as org_name, o.kind as org_kind, o.status as org_status, o.products::text[] as products,
      r.id as role_id, r.name as role_name, r.built_in, r.permissions
    from sessions s
    join users u on u.id = s.user_id
    left join (memberships m
      join organisations o on o.id = m.org_id
      join roles r on r.id = m.role_id and r.org_id = m.org_id) on m.user_id = u.id
    where ${where}
    order by o.name`;
}

function actorFromRows(sessionId: string, rows: readonly ActorRow[]): Actor | null {
  const [row] = rows;
  if (!row) return null;
  const memberships = rows.filter((m) => m.org_id !== null);
  // The active organisation must be one the user still belongs to; otherwise fall back to the first.
  const active = memberships.find((m) => m.org_id === row.active_org_id) ?? memberships[0] ?? null;
  return {
    sessionId,
    user: { id: row.user_id, name: row.name, email: row.email, isOperator: row.is_operator, hasPin: row.has_pin, hasPasskey: row.has_passkey },
    org: active
      ? {
          id: active.org_id as string,
          name: active.org_name as string,
          kind: active.org_kind as ActorOrganisation["kind"],
          status: active.org_status as ActorOrganisation["status"],
          products: (active.products ?? []) as ApiProduct[],
        }
      : null,
    role: active ? { id: active.role_id as string, name: active.role_name as string, builtIn: active.built_in } : null,
    permissions: new Set(active ? (active.permissions ?? []).filter(isMemberPermission) : []),
    memberships: memberships.map((m) => ({
      orgId: m.org_id as string,
      orgName: m.org_name as string,
      orgKind: m.org_kind as ActorOrganisation["kind"],
      roleName: m.role_name as string,
    })),
  };
}

/** The session's actor, whether or not the session may still be used (tests, and callers that checked it). */
export async function loadActor(db: Executor, sessionId: string): Promise<Actor | null> {
  if (!SESSION_ID.test(sessionId)) return null;
  const result = await db.execute<ActorRow>(actorStatement(sql`s.id = ${sessionId}`));
  return actorFromRows(sessionId, result.rows);
}

/**
 * The actor of a session that may still be used (see usableSession), or null — checked, marked seen
 * and read in one statement, so a page's sign-in check is one round trip to the database.
 */
export async function loadUsableActor(db: Executor, sessionId: string): Promise<Actor | null> {
  if (!SESSION_ID.test(sessionId)) return null;
  const result = await db.execute<ActorRow>(actorStatement(sql`s.id in (select id from usable)`, usableSession(sessionId)));
  return actorFromRows(sessionId, result.rows);
}
