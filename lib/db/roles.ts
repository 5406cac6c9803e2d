import "server-only";
import { sql } from "drizzle-orm";
import type { Executor } from "./client";

/**
 * Whether this connection's role owns `audit_events` (or is a superuser): such a role could switch
 * the append-only trigger off, so the application should never connect as it in production.
 */
export async function connectsAsOwner(db: Executor): Promise<boolean> {
  const result = await db.execute<{ owns: boolean }>(sql`
    select pg_has_role(current_user, c.relowner, 'USAGE') as owns
    from pg_class c
    where c.oid = to_regclass('public.audit_events')
  `);
  return result.rows[0]?.owns === true;
}
