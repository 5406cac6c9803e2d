import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Actor } from "@/lib/auth/actor";
import { authorizeAudited } from "@/lib/auth/authorize-audited";
import { verifyActionPin } from "@/lib/auth/pin";
import type { Database } from "@/lib/db";
import { accounts, payments, transactions } from "@/lib/db/schema";
import { DomainError, NotFoundError, parseOrThrow } from "@/lib/errors";
import { assertNotSuspended } from "@/lib/organisations/assert-not-suspended";
import { pinField } from "@/lib/schemas/keys";

export const decidePaymentSchema = z.strictObject({
  paymentId: z.uuid({ error: "Unknown payment" }),
  decision: z.enum(["approve", "reject"]),
  pin: pinField,
});

/**
 * Approves (executes) or rejects a payment waiting for approval, with the member's PIN. The status
 * changes only from pending_approval, so however many people press Approve at once, the payment
 * executes once; the debit only happens if the balance covers it, and the payment, the debit, its
 * transaction and the audit event commit together.
 */
export async function decidePayment(db: Database, actor: Actor, input: unknown, request: RequestInfo) {
  const { paymentId, decision, pin } = parseOrThrow(decidePaymentSchema.safeParse(input));
  await authorizeAudited(db, actor, { permission: "payments:approve" }, { action: `payment.${decision}`, targetType: "payment", targetId: paymentId }, request);
  const orgId = actor.org!.id;
  const [existing] = await db.select({ id: payments.id }).from(payments).where(and(eq(payments.id, paymentId), eq(payments.orgId, orgId)));
  if (!existing) throw new NotFoundError("That payment");
  await verifyActionPin(db, actor, pin, request);

  return db.transaction(async (tx) => {
    await assertNotSuspended(tx, orgId, "payments cannot be approved or rejected; they stay waiting");
    const [payment] = await tx
      .update(payments)
      .set({ status: decision === "approve" ? "executed" : "rejected", decidedAt: sql`now()`, decidedBy: actor.user.id })
      .where(and(eq(payments.id, paymentId), eq(payments.orgId, orgId), eq(payments.status, "pending_approval")))
      .returning();
    if (!payment) throw new DomainError("already_decided", "Someone has already decided this payment. Reload to see its status.");
    if (decision === "approve") {
      const [debited] = await tx
        .update(accounts)
        .set({ balance: sql`${accounts.balance} - ${payment.amount}` })
        .where(and(eq(accounts.id, payment.accountId), sql`${accounts.balance} >= ${payment.amount}`))
        .returning({ balance: accounts.balance });
      if (!debited) throw new DomainError("insufficient_funds", "The account does not have enough funds. The payment stays waiting.");
      const [posted] = await tx
        .insert(transactions)
        .values({
          accountId: payment.accountId,
          postedAt: new Date(),
          amount: -payment.amount,
          currency: payment.currency,
          description: `PAYMENT to ${payment.beneficiaryName}: ${payment.reference}`,
          type: "payment",
          balanceAfter: debited.balance,
        })
        .returning({ id: transactions.id });
      await tx.update(payments).set({ transactionId: posted!.id }).where(eq(payments.id, payment.id));
    }
    await recordAuditEvent(tx, {
      ...actorFields(actor, request),
      action: `payment.${decision}`,
      targetType: "payment",
      targetId: payment.id,
      outcome: "success",
      metadata: { amount: Number(payment.amount), currency: payment.currency, beneficiary: payment.beneficiaryName },
    });
    return { status: payment.status };
  });
}
