import "server-only";

/**
 * The ledger: the one place that moves money. Transfers (the bank API) and payment execution (the
 * portal's approval) both go through it, and each of its functions checks every account it writes
 * against an AccountScope, under row locks, in the caller's transaction.
 */
export { executePayment } from "./execute-payment";
export { consumeKeyLimits, leftToday, returnToKeyLimit, type KeyLimits } from "./key-limits";
export { LedgerRefusal, type LedgerRefusalDetail } from "./refusal";
export { keyAccountScope, organisationAccountScope, type AccountScope, type KeyAccountScope, type OrganisationAccountScope } from "./scope";
export { lockTransfer, postTransfer, transfer, type TransferLegs } from "./transfer";
