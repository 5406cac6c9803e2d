import "server-only";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { accounts, payments, transactions, transfers } from "@/lib/db/schema";
import { API_ENDPOINTS } from "./endpoints";
import { apiAuditFields, endpointHandler } from "./handler";
import { ApiError, invalid, json, parseJsonBody } from "./http";
import { idempotent } from "./idempotency";
import { paymentRequest, transferRequest } from "./schemas";
import { keyAccount } from "./scope";

type AccountParams = { id: string };

/**
 * POST /api/v1/accounts/{id}/transfers — between two of the key's accounts in one currency.
 * Both rows are locked in id order (no deadlock), the debit only happens if the balance covers it,
 * and both legs, the transfer and the audit event commit together or not at all.
 */
export const createTransfer = endpointHandler(API_ENDPOINTS.createTransfer, async (context) => {
  const { db, caller, params, request } = context;
  const raw = await request.text();
  const parsed = transferRequest.safeParse(parseJsonBody(raw));
  if (!parsed.success) throw invalid(parsed.error.issues);
  const { toAccountId, amount, reference } = parsed.data;
  const from = await keyAccount(db, caller, params.id);
  if (toAccountId === from.id) throw new ApiError(422, "invalid_request", "Invalid request: toAccountId", { toAccountId: "Choose a different account to transfer to" });
  const to = await keyAccount(db, caller, toAccountId);
  if (to.currency !== from.currency) {
    throw new ApiError(422, "invalid_request", "Invalid request: toAccountId", { toAccountId: `Transfers stay in one currency: ${from.currency} to ${to.currency} is not possible` });
  }

  return idempotent(db, caller, request, raw, async (tx) => {
    await tx.select({ id: accounts.id }).from(accounts).where(inArray(accounts.id, [from.id, to.id])).orderBy(asc(accounts.id)).for("update");
    const [debited] = await tx
      .update(accounts)
      .set({ balance: sql`${accounts.balance} - ${amount}` })
      .where(and(eq(accounts.id, from.id), sql`${accounts.balance} >= ${amount}`))
      .returning({ balance: accounts.balance });
    if (!debited) throw new ApiError(422, "invalid_request", "Invalid request: amount", { amount: "The account does not have enough funds for this transfer" });
    const [credited] = await tx
      .update(accounts)
      .set({ balance: sql`${accounts.balance} + ${amount}` })
      .where(eq(accounts.id, to.id))
      .returning({ balance: accounts.balance });
    const postedAt = new Date();
    await tx.insert(transactions).values([
      { accountId: from.id, postedAt, amount: BigInt(-amount), currency: from.currency, description: `TRANSFER to ${to.name}: ${reference}`, type: "transfer", balanceAfter: debited.balance },
      { accountId: to.id, postedAt, amount: BigInt(amount), currency: to.currency, description: `TRANSFER from ${from.name}: ${reference}`, type: "transfer", balanceAfter: credited!.balance },
    ]);
    const [row] = await tx
      .insert(transfers)
      .values({ orgId: caller.orgId, fromAccountId: from.id, toAccountId: to.id, amount: BigInt(amount), currency: from.currency, reference, createdByKeyId: caller.keyId })
      .returning();
    await recordAuditEvent(tx, { ...apiAuditFields(context), action: "api.transfer", targetType: "transfer", targetId: row!.id, outcome: "success", metadata: { amount, currency: from.currency } });
    return {
      status: 201,
      body: {
        transfer: { id: row!.id, fromAccountId: from.id, toAccountId: to.id, amount, currency: from.currency, reference, createdAt: row!.createdAt.toISOString() },
      },
    };
  });
});

function paymentBody(p: typeof payments.$inferSelect) {
  return {
    id: p.id,
    accountId: p.accountId,
    status: p.status,
    amount: Number(p.amount),
    currency: p.currency,
    beneficiaryName: p.beneficiaryName,
    reference: p.reference,
    createdAt: p.createdAt.toISOString(),
  };
}

/** GET /api/v1/accounts/{id}/payments — newest first. */
export const listPayments = endpointHandler(API_ENDPOINTS.listPayments, async ({ db, caller, params }) => {
  const account = await keyAccount(db, caller, params.id);
  const rows = await db.select().from(payments).where(eq(payments.accountId, account.id)).orderBy(desc(payments.createdAt)).limit(200);
  return json({ payments: rows.map(paymentBody) });
});

/** POST /api/v1/accounts/{id}/payments — waits as pending_approval until a member approves it with a PIN. */
export const createPayment = endpointHandler(API_ENDPOINTS.createPayment, async (context) => {
  const { db, caller, params, request } = context;
  const raw = await request.text();
  const parsed = paymentRequest.safeParse(parseJsonBody(raw));
  if (!parsed.success) throw invalid(parsed.error.issues);
  const account = await keyAccount(db, caller, params.id);
  return idempotent(db, caller, request, raw, async (tx) => {
    const [row] = await tx
      .insert(payments)
      .values({
        orgId: caller.orgId,
        accountId: account.id,
        createdByKeyId: caller.keyId,
        amount: BigInt(parsed.data.amount),
        currency: account.currency,
        beneficiaryName: parsed.data.beneficiaryName,
        beneficiaryAccountNumber: parsed.data.accountNumber,
        beneficiaryBankCode: parsed.data.bankCode,
        reference: parsed.data.reference,
      })
      .returning();
    await recordAuditEvent(tx, { ...apiAuditFields(context), action: "api.payment_create", targetType: "payment", targetId: row!.id, outcome: "success", metadata: { amount: parsed.data.amount, currency: account.currency } });
    return { status: 201, body: { payment: paymentBody(row!) } };
  });
});
