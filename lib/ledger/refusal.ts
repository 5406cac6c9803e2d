import "server-only";

/**
 * Why the ledger would not move money. Framework-free: the API turns it into its error codes,
 * the portal into a message for a person.
 */
export type LedgerRefusalDetail =
  /** No such account in the scope's organisation (another organisation's looks the same). */
  | { reason: "account_not_found"; accountId: string }
  /** The organisation's account, but not the key's: not given to it, or of the other mode. */
  | { reason: "account_not_allowed"; accountId: string; otherMode: boolean; keyMode: "live" | "test" }
  | { reason: "same_account" }
  | { reason: "currency_mismatch"; fromCurrency: string; toCurrency: string }
  | { reason: "insufficient_funds"; accountId: string }
  /** The payment is not waiting for approval (any more), or is not the scope's organisation's. */
  | { reason: "payment_not_pending"; paymentId: string }
  /** Over the key's limit per payment, or for the day (what is left today, in minor units). */
  | { reason: "limit_exceeded"; per: "payment" | "day"; limit: bigint; leftToday: bigint | null; currency: string };

export class LedgerRefusal extends Error {
  constructor(readonly detail: LedgerRefusalDetail) {
    super(`ledger refused: ${detail.reason}`);
    this.name = "LedgerRefusal";
  }
}
