-- The key list costs the same at 10,000 keys as at 20: its page walks the list's order (newest
-- first) a page at a time and its bounded count reads those entries alone; the expiry banner,
-- "Renew all" and the status filters read keys by expiry; the leaked banner finds the few leaked keys
-- without reading the others. Partial on keys that still exist (revoked_at is null), as every list
-- query asks. Plain btree, as on PostgreSQL so on the embedded database.
CREATE INDEX IF NOT EXISTS "api_keys_list_order" ON "api_keys" USING btree ("org_id","created_at" DESC NULLS FIRST,"alias","id","retires_at") WHERE revoked_at is null;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "api_keys_list_expiry" ON "api_keys" USING btree ("org_id","expires_at","id","retires_at") WHERE revoked_at is null and leaked_at is null;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "api_keys_list_leaked" ON "api_keys" USING btree ("org_id") WHERE leaked_at is not null and revoked_at is null;