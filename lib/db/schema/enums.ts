import "server-only";
import { pgEnum } from "drizzle-orm/pg-core";

export const organisationKind = pgEnum("organisation_kind", ["private", "business"]);
export const onboardingStatus = pgEnum("onboarding_status", ["pending", "approved", "suspended"]);
export const apiProduct = pgEnum("api_product", ["account_information", "payments", "cards"]);
export const keyMode = pgEnum("key_mode", ["live", "test"]);
export const transactionType = pgEnum("transaction_type", ["card", "debit_order", "deposit", "fee", "interest", "payment", "salary", "transfer"]);
export const paymentStatus = pgEnum("payment_status", ["pending_approval", "executed", "rejected"]);
export const auditOutcome = pgEnum("audit_outcome", ["success", "denied", "failure"]);
