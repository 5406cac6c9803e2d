import "server-only";
import { and, desc, eq, ne } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { authorize } from "@/lib/auth/authorize";
import type { Executor } from "@/lib/db";
import { accounts, apiKeys, payments, users } from "@/lib/db/schema";

/** Payments of the organisation: those waiting, oldest first, and the latest decided ones. */
export async function listPaymentsForApproval(db: Executor, actor: Actor) {
  const { org } = authorize(actor, { permission: "payments:approve" });
  const columns = {
    id: payments.id,
    status: payments.status,
    amount: payments.amount,
    currency: payments.currency,
    beneficiaryName: payments.beneficiaryName,
    beneficiaryAccountNumber: payments.beneficiaryAccountNumber,
    beneficiaryBankCode: payments.beneficiaryBankCode,
    reference: payments.reference,
    createdAt: payments.createdAt,
    decidedAt: payments.decidedAt,
    accountName: accounts.name,
    accountNumber: accounts.number,
    keyAlias: apiKeys.alias,
    keyPrefix: apiKeys.prefix,
    decidedByName: users.name,
  };
  // A fresh builder each time: drizzle builders are not reusable once given a where().
  const query = () =>
    db
      .select(columns)
      .from(payments)
      .innerJoin(accounts, eq(accounts.id, payments.accountId))
      .leftJoin(apiKeys, eq(apiKeys.id, payments.createdByKeyId))
      .leftJoin(users, eq(users.id, payments.decidedBy));
  const [pending, decided] = await Promise.all([
    query()
      .where(and(eq(payments.orgId, org.id), eq(payments.status, "pending_approval")))
      .orderBy(payments.createdAt),
    query()
      .where(and(eq(payments.orgId, org.id), ne(payments.status, "pending_approval")))
      .orderBy(desc(payments.decidedAt))
      .limit(20),
  ]);
  return { pending, decided };
}
