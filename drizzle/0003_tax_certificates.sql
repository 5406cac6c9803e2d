CREATE TYPE "public"."tax_certificate_kind" AS ENUM('interest');--> statement-breakpoint
CREATE TABLE "tax_certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"tax_year" integer NOT NULL,
	"kind" "tax_certificate_kind" DEFAULT 'interest' NOT NULL,
	"currency" varchar(3) NOT NULL,
	"interest_earned" bigint NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tax_certificates_tax_year_range" CHECK ("tax_certificates"."tax_year" between 2000 and 2200),
	CONSTRAINT "tax_certificates_interest_not_negative" CHECK ("tax_certificates"."interest_earned" >= 0)
);
--> statement-breakpoint
ALTER TABLE "tax_certificates" ADD CONSTRAINT "tax_certificates_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "tax_certificates_account_id_tax_year_index" ON "tax_certificates" USING btree ("account_id","tax_year");