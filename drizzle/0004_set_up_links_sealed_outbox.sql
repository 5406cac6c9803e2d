ALTER TABLE "email_outbox" ADD COLUMN "sealed_link" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "set_up_token_hash" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "set_up_expires_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "users_set_up_token_hash_index" ON "users" USING btree ("set_up_token_hash");