CREATE TABLE "api_key_daily_use" (
	"key_id" uuid NOT NULL,
	"day" date NOT NULL,
	"currency" varchar(3) NOT NULL,
	"used" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "api_key_daily_use_key_id_day_currency_pk" PRIMARY KEY("key_id","day","currency"),
	CONSTRAINT "api_key_daily_use_not_negative" CHECK (used >= 0)
);
--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "key_approval_required" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "allowed_ips" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "previous_secret_hash" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "previous_prefix" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "previous_secret_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "previous_secret_last_used_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "max_per_payment" bigint;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "max_per_day" bigint;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "pending_approval_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "approved_by" uuid;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "approved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_key_daily_use" ADD CONSTRAINT "api_key_daily_use_key_id_api_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_previous_secret_hash_unique" ON "api_keys" USING btree ("previous_secret_hash") WHERE previous_secret_hash is not null;--> statement-breakpoint
CREATE INDEX "api_keys_pending_approval" ON "api_keys" USING btree ("pending_approval_since") WHERE pending_approval_since is not null and revoked_at is null;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_limits_positive" CHECK ((max_per_payment is null or max_per_payment > 0) and (max_per_day is null or max_per_day > 0));--> statement-breakpoint
-- Existing organisations' Superadmin and Admin roles gain the new member permission, as new ones are made with it.
UPDATE "roles" SET "permissions" = array_append("permissions", 'keys:approve') WHERE "built_in" IN ('superadmin', 'admin') AND NOT ('keys:approve' = ANY("permissions"));
