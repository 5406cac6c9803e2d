ALTER TABLE "email_outbox" ADD COLUMN "sealed_link" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "set_up_token_hash" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "set_up_expires_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "users_set_up_token_hash_index" ON "users" USING btree ("set_up_token_hash");--> statement-breakpoint
-- Until now an e-mailed invitation's link sat in its message body in the clear, readable in this table
-- and on /ops/outbox. Invitations whose link was stored so and that are still pending are withdrawn:
-- whoever read it could have accepted them (the inviter sends a new one, whose link is sealed).
UPDATE "invitations" SET "revoked_at" = now()
WHERE "accepted_at" IS NULL AND "revoked_at" IS NULL
  AND "id"::text IN (SELECT substr("dedupe_key", 12) FROM "email_outbox" WHERE "dedupe_key" LIKE 'invitation:%' AND "body" ~ '/invite/lkinv_');
--> statement-breakpoint
-- And no message keeps such a link: it is cut out of every body; a message not yet sent is not sent.
UPDATE "email_outbox" SET
  "body" = regexp_replace("body", '[^[:space:]]*/invite/lkinv_[0-9A-Za-z]*', '[link removed]', 'g'),
  "attempts" = CASE WHEN "sent_at" IS NULL THEN greatest("attempts", 5) ELSE "attempts" END,
  "last_error" = CASE WHEN "sent_at" IS NULL THEN 'Withdrawn: its invitation link was stored readable; the invitation was withdrawn.' ELSE "last_error" END
WHERE "body" ~ '/invite/lkinv_';
