-- Second release, trust and insight: per-key usage counts by route, outcome class and UTC day; when
-- each permission was last used (keys older than this record count it from now: usage_tracked_since);
-- the leak a scanning partner or a member reported; and a key renewed as a narrower one retiring
-- after the overlap its renewer chose.
CREATE TABLE "api_key_permission_use" (
	"key_id" uuid NOT NULL,
	"permission" text NOT NULL,
	"last_used_at" timestamp with time zone NOT NULL,
	CONSTRAINT "api_key_permission_use_key_id_permission_pk" PRIMARY KEY("key_id","permission")
);
--> statement-breakpoint
CREATE TABLE "api_key_usage" (
	"key_id" uuid NOT NULL,
	"day" date NOT NULL,
	"route" text NOT NULL,
	"outcome" text NOT NULL,
	"calls" bigint NOT NULL,
	CONSTRAINT "api_key_usage_key_id_day_route_outcome_pk" PRIMARY KEY("key_id","day","route","outcome"),
	CONSTRAINT "api_key_usage_outcome" CHECK (outcome in ('2xx', '4xx', '5xx')),
	CONSTRAINT "api_key_usage_calls_positive" CHECK (calls > 0)
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "leaked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "leak_url" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "leak_source" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "leak_reported_by" uuid;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "retires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "replaced_by" uuid;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "usage_tracked_since" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "api_key_permission_use" ADD CONSTRAINT "api_key_permission_use_key_id_api_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_key_usage" ADD CONSTRAINT "api_key_usage_key_id_api_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_key_usage_day" ON "api_key_usage" USING btree ("day");--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_leak_reported_by_users_id_fk" FOREIGN KEY ("leak_reported_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_replaced_by_api_keys_id_fk" FOREIGN KEY ("replaced_by") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_keys_retiring" ON "api_keys" USING btree ("retires_at") WHERE retires_at is not null and revoked_at is null;