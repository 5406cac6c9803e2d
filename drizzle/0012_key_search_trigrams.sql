-- The key list's search (any part of an alias or a prefix, case-insensitive) reads trigram indexes
-- rather than every key of the organisation, so that it costs the same at 10,000 keys as at 20.
-- pg_trgm ships with PostgreSQL's contrib and with the embedded database (loaded in lib/db/client.ts);
-- a server without it keeps searching as before, by reading the organisation's keys, and says so.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pg_trgm is not available (%): the key search reads the organisation''s keys without an index', SQLERRM;
END
$$;--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX IF NOT EXISTS "api_keys_search_alias" ON "api_keys" USING gin ("alias" gin_trgm_ops) WHERE revoked_at is null;
    CREATE INDEX IF NOT EXISTS "api_keys_search_prefix" ON "api_keys" USING gin ("prefix" gin_trgm_ops) WHERE revoked_at is null;
  END IF;
END
$$;
