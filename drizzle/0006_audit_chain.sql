-- The audit log becomes tamper-evident: each organisation's events, and the events of no organisation,
-- form a hash chain. hash = SHA-256(prev_hash || audit_event_canonical(event)), in hex; the first
-- event of a chain links to 64 zeros. chain_seq numbers a chain's events 1, 2, 3… with no gap.
ALTER TABLE "audit_events" ADD COLUMN "chain_seq" bigint DEFAULT null;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "prev_hash" text DEFAULT null;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "hash" text DEFAULT null;--> statement-breakpoint
-- Each chain's newest event: its place and hash. Chain = the organisation's id, or 'none'.
CREATE TABLE "audit_chain_heads" (
	"chain" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
-- The one definition of what an event's hash covers, used by the trigger, the backfill below and the
-- verifier (lib/audit/verify-chain.ts). jsonb's text is deterministic (keys sorted, fixed spacing);
-- the time is whole microseconds since the epoch, never text that depends on a time zone.
CREATE FUNCTION audit_event_canonical(e audit_events) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT jsonb_build_object(
    'id', (e).id,
    'chain_seq', (e).chain_seq,
    'org_id', (e).org_id,
    'occurred_at_us', round(extract(epoch FROM (e).occurred_at) * 1000000)::bigint,
    'actor_user_id', (e).actor_user_id,
    'actor_key_id', (e).actor_key_id,
    'actor_label', (e).actor_label,
    'ip', (e).ip,
    'action', (e).action,
    'target_type', (e).target_type,
    'target_id', (e).target_id,
    'outcome', (e).outcome,
    'request_id', (e).request_id,
    'metadata', (e).metadata
  )::text
$$;
--> statement-breakpoint
-- Existing events join their chains in the order they were written (id order within each chain).
ALTER TABLE "audit_events" DISABLE TRIGGER audit_events_no_update_or_delete;--> statement-breakpoint
DO $$
DECLARE
  genesis constant text := repeat('0', 64);
  r audit_events%ROWTYPE;
  chain_key text;
  current_key text := NULL;
  seq bigint := 0;
  prev text := genesis;
  ids bigint[] := '{}';
  seqs bigint[] := '{}';
  prevs text[] := '{}';
  hashes text[] := '{}';
BEGIN
  FOR r IN SELECT * FROM audit_events ORDER BY coalesce(org_id::text, 'none'), id LOOP
    chain_key := coalesce(r.org_id::text, 'none');
    IF current_key IS DISTINCT FROM chain_key THEN
      IF current_key IS NOT NULL THEN
        INSERT INTO audit_chain_heads (chain, seq, hash) VALUES (current_key, seq, prev);
      END IF;
      current_key := chain_key;
      seq := 0;
      prev := genesis;
    END IF;
    seq := seq + 1;
    r.chain_seq := seq;
    ids := ids || r.id;
    seqs := seqs || seq;
    prevs := prevs || prev;
    prev := encode(sha256(convert_to(prev || audit_event_canonical(r), 'UTF8')), 'hex');
    hashes := hashes || prev;
  END LOOP;
  IF current_key IS NOT NULL THEN
    INSERT INTO audit_chain_heads (chain, seq, hash) VALUES (current_key, seq, prev);
  END IF;
  UPDATE audit_events e SET chain_seq = c.seq, prev_hash = c.prev, hash = c.hash
    FROM unnest(ids, seqs, prevs, hashes) AS c(id, seq, prev, hash)
    WHERE e.id = c.id;
END
$$;
--> statement-breakpoint
ALTER TABLE "audit_events" ENABLE TRIGGER audit_events_no_update_or_delete;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "chain_seq" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "prev_hash" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "hash" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_chain_seq" ON "audit_events" USING btree (coalesce(org_id::text, 'none'),"chain_seq");--> statement-breakpoint
-- Every new event is linked here, in the transaction that writes it, whoever writes it: the chain's
-- head row is locked (FOR UPDATE) until that transaction ends, so writers of one chain take turns —
-- none can read a head another has moved but not yet committed, so a chain never forks — and an
-- event rolled back takes its head update with it, so a chain never has a gap. Under REPEATABLE READ
-- or SERIALIZABLE a writer that lost the race gets a serialization failure to retry, never a fork.
-- It needs only DML on audit_chain_heads, which the application's role has.
CREATE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  chain_key constant text := coalesce(NEW.org_id::text, 'none');
  head_seq bigint;
  head_hash text;
BEGIN
  SELECT seq, hash INTO head_seq, head_hash FROM audit_chain_heads WHERE chain = chain_key FOR UPDATE;
  IF NOT FOUND THEN
    -- A chain's first event: make its head (or wait for whoever is making it), then lock it.
    INSERT INTO audit_chain_heads (chain, seq, hash) VALUES (chain_key, 0, repeat('0', 64)) ON CONFLICT (chain) DO NOTHING;
    SELECT seq, hash INTO head_seq, head_hash FROM audit_chain_heads WHERE chain = chain_key FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'audit chain % head not visible: retry the transaction', chain_key USING ERRCODE = 'serialization_failure';
    END IF;
  END IF;
  NEW.chain_seq := head_seq + 1;
  NEW.prev_hash := head_hash;
  NEW.hash := encode(sha256(convert_to(head_hash || audit_event_canonical(NEW), 'UTF8')), 'hex');
  UPDATE audit_chain_heads SET seq = NEW.chain_seq, hash = NEW.hash WHERE chain = chain_key;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_chain
  BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_chain();
