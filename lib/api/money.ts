import "server-only";
import { desc, eq } from "drizzle-orm";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { payments } from "@/lib/db/schema";
import { formatMoney } from "@/lib/format";
import { consumeKeyLimits, keyAccountScope, LedgerRefusal, lockTransfer, postTransfer } from "@/lib/ledger";
import { API_ENDPOINTS } from "./endpoints";
import { apiAuditFields, endpointHandler } from "./handler";
import { ApiError, invalid, json, parseJsonBody } from "./http";
import { idempotent } from "./idempotency";
import { paymentRequest, transferRequest } from "./schemas";
import { keyAccount } from "./scope";

/** A ledger refusal as the bank API states it: PRODUCT.md's error codes, the same words as every endpoint. */
function apiRefusal(refusal: LedgerRefusal): ApiError | undefined {
  const detail = refusal.detail;
  switch (detail.reason) {
    case "account_not_found":
      return new ApiError(404, "not_found", "No such account.");
    case "account_not_allowed":
      return new ApiError(
        403,
        "account_not_allowed",
        `This key may not use that account${detail.otherMode ? ` (a ${detail.keyMode} key sees only ${detail.keyMode} accounts)` : ""}.`,
      );
    case "same_account":
      return new ApiError(422, "invalid_request", "Invalid request: toAccountId", { toAccountId: "Choose a different account to transfer to" });
    case "currency_mismatch":
      return new ApiError(422, "invalid_request", "Invalid request: toAccountId", {
        toAccountId: `Transfers stay in one currency: ${detail.fromCurrency} to ${detail.toCurrency} is not possible`,
      });
    case "insufficient_funds":
      return new ApiError(422, "invalid_request", "Invalid request: amount", { amount: "The account does not have enough funds for this transfer" });
    case "limit_exceeded":
      return new ApiError(
        403,
        "limit_exceeded",
        detail.per === "payment"
          ? `This key may move at most ${formatMoney(detail.limit, detail.currency)} at a time.`
          : `Over this key's daily limit of ${formatMoney(detail.limit, detail.currency)}: ${formatMoney(detail.leftToday ?? 0n, detail.currency)} left today (UTC).`,
      );
    default:
      // Not a refusal any endpoint here can meet (payments are executed in the portal).
      return undefined;
  }
}

async function inLedger<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw (error instanceof LedgerRefusal && apiRefusal(error)) || error;
  }
}

/**
 * POST /api/v1/accounts/{id}/transfers — between two of the key's accounts in one currency.
 * The ledger locks both accounts (in id order: no deadlock) and checks both against the key's
 * accounts in the same transaction as the money moves; then the Idempotency-Key is claimed (a
 * retry gets the first answer), and the debit (only if the balance covers it), the credit, the
 * transfer and the audit event commit together or not at all.
 */
export const createTransfer = endpointHandler(API_ENDPOINTS.createTransfer, async (context) => {
  const { db, caller, params, request } = context;
  const raw = await request.text();
  const parsed = transferRequest.safeParse(parseJsonBody(raw));
  if (!parsed.success) throw invalid(parsed.error.issues);
  const { toAccountId, amount, reference } = parsed.data;
  const scope = keyAccountScope(caller);

  return inLedger(() =>
    db.transaction(async (tx) => {
      const legs = await lockTransfer(tx, scope, { fromAccountId: params.id, toAccountId });
      return idempotent(tx, caller, request, raw, async (write) => {
        // Counted in this transaction: a replay counts nothing again, a refusal for funds undoes the count.
        await consumeKeyLimits(write, caller.limits, legs.from.currency, BigInt(amount));
        const row = await postTransfer(write, legs, { amount, reference, createdByKeyId: caller.keyId });
        const currency = legs.from.currency;
        await recordAuditEvent(write, {
          ...apiAuditFields(context),
          action: "api.transfer",
          targetType: "transfer",
          targetId: row.id,
          outcome: "success",
          metadata: { amount, currency },
        });
        return {
          status: 201,
          body: {
            transfer: { id: row.id, fromAccountId: legs.from.id, toAccountId: legs.to.id, amount, currency, reference, createdAt: row.createdAt.toISOString() },
          },
        };
      });
    }),
  );
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
  return inLedger(() =>
    idempotent(db, caller, request, raw, async (tx) => {
      // A pending payment counts against the day; a rejected one gives its amount back.
      await consumeKeyLimits(tx, caller.limits, account.currency, BigInt(parsed.data.amount));
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
      await recordAuditEvent(tx, {
        ...apiAuditFields(context),
        action: "api.payment_create",
        targetType: "payment",
        targetId: row!.id,
        outcome: "success",
        metadata: { amount: parsed.data.amount, currency: account.currency },
      });
      return { status: 201, body: { payment: paymentBody(row!) } };
    }),
  );
});
