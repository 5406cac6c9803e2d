import { sql } from "drizzle-orm";
import type { Executor } from "@/lib/db";

/**
 * What each migration since 0005 added, undone newest first: a migrated database taken back to the
 * release before `migration`, as an upgrade test needs it. A new migration adds its undo here, and
 * every upgrade test keeps working.
 */
const UNDO: [tag: string, statements: string[]][] = [
  [
    "0012_key_search_trigrams",
    ["drop index if exists api_keys_search_alias", "drop index if exists api_keys_search_prefix", "drop extension if exists pg_trgm"],
  ],
  [
    "0011_webhooks",
    [
      "drop table webhook_attempts",
      "drop table webhook_deliveries",
      "drop table webhook_events",
      "drop table webhook_endpoints",
      "update roles set permissions = array_remove(permissions, 'webhooks:manage')",
    ],
  ],
  ["0010_key_list_indexes", ["drop index api_keys_list_order", "drop index api_keys_list_expiry", "drop index api_keys_list_leaked"]],
  ["0009_passkeys", ["drop table webauthn_challenges", "drop table passkeys", "alter table organisations drop column require_passkey_for_money"]],
  [
    "0008_usage_leaks_narrower",
    [
      "drop table api_key_usage",
      "drop table api_key_permission_use",
      "alter table api_keys drop column leaked_at, drop column leak_url, drop column leak_source, drop column leak_reported_by, drop column retires_at, drop column replaced_by, drop column usage_tracked_since",
    ],
  ],
  ["0007_applied_migrations_view", ["drop view applied_migrations"]],
  [
    "0006_audit_chain",
    [
      "drop trigger audit_events_chain on audit_events",
      "drop function audit_events_chain()",
      "drop function audit_event_canonical(audit_events)",
      "drop index audit_events_chain_seq",
      "alter table audit_events drop column chain_seq, drop column prev_hash, drop column hash",
      "drop table audit_chain_heads",
    ],
  ],
  [
    "0005_key_guardrails",
    [
      "alter table api_keys drop column allowed_ips, drop column previous_secret_hash, drop column previous_prefix, drop column previous_secret_expires_at, drop column previous_secret_last_used_at, drop column max_per_payment, drop column max_per_day, drop column pending_approval_since, drop column approved_by, drop column approved_at",
      "alter table organisations drop column key_approval_required",
      "drop table api_key_daily_use",
      "update roles set permissions = array_remove(permissions, 'keys:approve')",
    ],
  ],
];

/** Takes a fully migrated database back to the release before `migration` (its tag, e.g. "0006_audit_chain"), records included. */
export async function undoMigrationsFrom(db: Executor, migration: string): Promise<void> {
  const upTo = UNDO.findIndex(([tag]) => tag === migration);
  if (upTo < 0) throw new Error(`No undo is known for ${migration}`);
  for (const [, statements] of UNDO.slice(0, upTo + 1)) for (const statement of statements) await db.execute(sql.raw(statement));
  await db.execute(sql`delete from drizzle.__drizzle_migrations where id in (select id from drizzle.__drizzle_migrations order by id desc limit ${upTo + 1})`);
}

/** The indexes of `api_keys` whose names start with `prefix`, by name, with their definitions. */
export async function apiKeyIndexes(db: Executor, prefix: string): Promise<{ indexname: string; indexdef: string }[]> {
  const found = await db.execute<{ indexname: string; indexdef: string }>(
    sql`select indexname, indexdef from pg_indexes where tablename = 'api_keys' and starts_with(indexname, ${prefix}) order by indexname`,
  );
  return found.rows;
}

/** Of the indexes whose names start with `prefix`, those not valid or not ready: none after a sound migration. */
export async function unusableIndexes(db: Executor, prefix: string): Promise<string[]> {
  const found = await db.execute<{ relname: string }>(
    sql`select c.relname from pg_index i join pg_class c on c.oid = i.indexrelid where starts_with(c.relname, ${prefix}) and not (i.indisvalid and i.indisready)`,
  );
  return found.rows.map((r) => r.relname);
}
