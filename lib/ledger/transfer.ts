import "server-only";
import type { Transaction } from "@/lib/db";
import { transfers } from "@/lib/db/schema";
import { credit, debit, lockAccountsInScope, recordEntries, type LockedAccount } from "./lock-accounts";
import { LedgerRefusal } from "./refusal";
import type { AccountScope } from "./scope";

declare const checkedTransfer: unique symbol;

/** Both ends of a transfer, locked and checked against one scope. Only `lockTransfer` makes one. */
export type TransferLegs = {
  readonly from: LockedAccount;
  readonly to: LockedAccount;
  readonly [checkedTransfer]: true;
};

/** Every TransferLegs handed out, so a forged one (a cast) is refused at run time too. */
const checked = new WeakSet<object>();

/**
 * Locks both accounts of a transfer (in id order, with every other ledger operation) and checks
 * both against the scope, in the caller's transaction. Refusals, in this order: the source is not in
 * the scope; the destination is the source; the destination is not in the scope; the currencies differ.
 */
export async function lockTransfer(tx: Transaction, scope: AccountScope, ids: { fromAccountId: string; toAccountId: string }): Promise<TransferLegs> {
  const inScope = await lockAccountsInScope(tx, scope, [ids.fromAccountId, ids.toAccountId]);
  const from = inScope(ids.fromAccountId);
  if (ids.toAccountId.toLowerCase() === from.id) throw new LedgerRefusal({ reason: "same_account" });
  const to = inScope(ids.toAccountId);
  if (to.currency !== from.currency) throw new LedgerRefusal({ reason: "currency_mismatch", fromCurrency: from.currency, toCurrency: to.currency });
  const legs = { from, to } as TransferLegs;
  checked.add(legs);
  return legs;
}

/**
 * Moves `amount` (minor units, > 0) along locked legs, in the transaction that locked them (or a
 * savepoint of it): the debit only if the source covers it, the credit, both statement lines and
 * the transfer row. Nothing is written when it refuses (insufficient_funds) and the caller rolls back.
 */
export async function postTransfer(
  tx: Transaction,
  legs: TransferLegs,
  order: { amount: number | bigint; reference: string; createdByKeyId: string | null },
): Promise<typeof transfers.$inferSelect> {
  if (!checked.has(legs)) throw new Error("A transfer is posted only along legs that lockTransfer checked.");
  const amount = BigInt(order.amount);
  const { from, to } = legs;
  const fromBalance = await debit(tx, from, amount);
  const toBalance = await credit(tx, to, amount);
  await recordEntries(tx, new Date(), [
    { account: from, amount: -amount, balanceAfter: fromBalance, entry: { description: `TRANSFER to ${to.name}: ${order.reference}`, type: "transfer" } },
    { account: to, amount, balanceAfter: toBalance, entry: { description: `TRANSFER from ${from.name}: ${order.reference}`, type: "transfer" } },
  ]);
  const [row] = await tx
    .insert(transfers)
    .values({
      orgId: from.orgId,
      fromAccountId: from.id,
      toAccountId: to.id,
      amount,
      currency: from.currency,
      reference: order.reference,
      createdByKeyId: order.createdByKeyId,
    })
    .returning();
  return row!;
}

/** Locks, checks and posts a transfer in one step, for callers with nothing to do in between. */
export async function transfer(
  tx: Transaction,
  scope: AccountScope,
  order: { fromAccountId: string; toAccountId: string; amount: number | bigint; reference: string; createdByKeyId: string | null },
) {
  const legs = await lockTransfer(tx, scope, order);
  return { legs, transfer: await postTransfer(tx, legs, order) };
}
