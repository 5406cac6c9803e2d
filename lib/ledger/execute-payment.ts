import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Transaction } from "@/lib/db";
import { payments } from "@/lib/db/schema";
import { debit, lockAccountsInScope, recordEntries } from "./lock-accounts";
import { LedgerRefusal } from "./refusal";
import type { AccountScope } from "./scope";

/**
 * Executes a payment waiting for approval, in the caller's transaction: its status changes only
 * from pending_approval (so however many approve it at once, it executes once), its account is
 * locked and checked against the scope, and the debit happens only if the balance covers it, with
 * its statement line. Refusals: payment_not_pending, account_not_found / account_not_allowed,
 * insufficient_funds — after any of them the caller rolls back and the payment stays as it was.
 */
export async function executePayment(
  tx: Transaction,
  scope: AccountScope,
  decision: { paymentId: string; decidedBy: string },
): Promise<typeof payments.$inferSelect> {
  const [payment] = await tx
    .update(payments)
    .set({ status: "executed", decidedAt: sql`now()`, decidedBy: decision.decidedBy })
    .where(and(eq(payments.id, decision.paymentId), eq(payments.orgId, scope.orgId), eq(payments.status, "pending_approval")))
    .returning();
  if (!payment) throw new LedgerRefusal({ reason: "payment_not_pending", paymentId: decision.paymentId });
  const account = (await lockAccountsInScope(tx, scope, [payment.accountId]))(payment.accountId);
  const balanceAfter = await debit(tx, account, payment.amount);
  const [transactionId] = await recordEntries(tx, new Date(), [
    { account, amount: -payment.amount, balanceAfter, entry: { description: `PAYMENT to ${payment.beneficiaryName}: ${payment.reference}`, type: "payment" } },
  ]);
  await tx.update(payments).set({ transactionId }).where(eq(payments.id, payment.id));
  return { ...payment, transactionId: transactionId! };
}
