import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import type { Transaction } from "@/lib/db";
import { payments } from "@/lib/db/schema";
import { DomainError, NotFoundError } from "@/lib/errors";
import { executePayment, LedgerRefusal, organisationAccountScope, returnToKeyLimit } from "@/lib/ledger";
import { assertNotSuspended } from "@/lib/organisations/assert-not-suspended";
import { pinField } from "@/lib/schemas/keys";

export const decidePaymentSchema = z.strictObject({
  paymentId: z.uuid({ error: "Unknown payment" }),
  decision: z.enum(["approve", "reject"]),
  pin: pinField,
});

const ALREADY_DECIDED = "Someone has already decided this payment. Reload to see its status.";

/** Executes the payment through the ledger, within the organisation's accounts. */
async function approve(tx: Transaction, orgId: string, paymentId: string, decidedBy: string) {
  try {
    return await executePayment(tx, organisationAccountScope(orgId), { paymentId, decidedBy });
  } catch (error) {
    if (!(error instanceof LedgerRefusal)) throw error;
    if (error.detail.reason === "payment_not_pending") throw new DomainError("already_decided", ALREADY_DECIDED);
    if (error.detail.reason === "insufficient_funds")
      throw new DomainError("insufficient_funds", "The account does not have enough funds. The payment stays waiting.");
    throw new NotFoundError("That payment's account");
  }
}

/** Rejects the payment: no money moves. Only from pending_approval, like approval. */
async function reject(tx: Transaction, orgId: string, paymentId: string, decidedBy: string) {
  const [payment] = await tx
    .update(payments)
    .set({ status: "rejected", decidedAt: sql`now()`, decidedBy })
    .where(and(eq(payments.id, paymentId), eq(payments.orgId, orgId), eq(payments.status, "pending_approval")))
    .returning();
  if (!payment) throw new DomainError("already_decided", ALREADY_DECIDED);
  // It never moved: its amount goes back to its key's daily limit.
  await returnToKeyLimit(tx, payment);
  return payment;
}

/**
 * Approves (executes) or rejects a payment waiting for approval, with the member's PIN. The status
 * changes only from pending_approval, so however many people press Approve at once, the payment
 * executes once; the ledger debits only if the balance covers it, and the payment, the debit, its
 * transaction and the audit event commit together.
 */
export const decidePayment = defineCommand({
  action: (input) => `payment.${input.decision}`,
  target: { type: "payment", id: (input) => input.paymentId },
  requires: { permission: "payments:approve" },
  schema: decidePaymentSchema,
  pin: true,
  movesMoney: (input) => input.decision === "approve",
  load: async ({ db, actor, input: { paymentId } }) => {
    const [existing] = await db
      .select({ id: payments.id })
      .from(payments)
      .where(and(eq(payments.id, paymentId), eq(payments.orgId, actor.org.id)));
    if (!existing) throw new NotFoundError("That payment");
  },
  run: async ({ db, actor, input: { paymentId, decision }, request }) => {
    const orgId = actor.org.id;
    return db.transaction(async (tx) => {
      await assertNotSuspended(tx, orgId, "payments cannot be approved or rejected; they stay waiting");
      const payment = decision === "approve" ? await approve(tx, orgId, paymentId, actor.user.id) : await reject(tx, orgId, paymentId, actor.user.id);
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
  },
});
