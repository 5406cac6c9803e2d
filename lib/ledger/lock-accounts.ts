import "server-only";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Transaction } from "@/lib/db";
import { accounts, apiKeyAccounts, transactions } from "@/lib/db/schema";
import { LedgerRefusal } from "./refusal";
import type { AccountScope } from "./scope";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

declare const lockedInScope: unique symbol;

/**
 * An account row locked FOR UPDATE in the current transaction after it was checked against a scope.
 * Only `lockAccountsInScope` makes one (the brand cannot be written outside this module), and the
 * ledger's postings take nothing else: an account the scope did not allow cannot be debited or credited.
 */
export type LockedAccount = {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly currency: string;
  readonly mode: "live" | "test";
  /** The balance when it was locked (minor units). */
  readonly balance: bigint;
  readonly [lockedInScope]: true;
};

/** Every LockedAccount handed out, so a forged object (a cast) is refused at run time too. */
const issued = new WeakSet<object>();

/**
 * Locks the accounts of `ids` that belong to the scope's organisation, in id order (every ledger
 * operation locks in this one order, so two of them never wait on each other in a cycle), and
 * returns a check for each id: the locked account, or why the scope does not reach it. Another
 * organisation's account is neither locked nor told apart from a missing one.
 */
export async function lockAccountsInScope(tx: Transaction, scope: AccountScope, ids: readonly string[]) {
  const wanted = [...new Set(ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
  const granted =
    scope.kind === "key"
      ? sql<boolean>`exists (select 1 from ${apiKeyAccounts} where ${apiKeyAccounts.keyId} = ${scope.keyId} and ${apiKeyAccounts.accountId} = ${accounts.id})`
      : sql<boolean>`true`;
  const rows =
    wanted.length === 0
      ? []
      : await tx
          .select({
            id: accounts.id,
            orgId: accounts.orgId,
            name: accounts.name,
            currency: accounts.currency,
            mode: accounts.mode,
            balance: accounts.balance,
            granted,
          })
          .from(accounts)
          .where(and(inArray(accounts.id, wanted), eq(accounts.orgId, scope.orgId)))
          .orderBy(asc(accounts.id))
          .for("update");
  const byId = new Map(rows.map((row) => [row.id, row]));

  /** The locked account of `id`, or the refusal that says why the scope does not reach it. */
  return function inScope(id: string): LockedAccount {
    const row = UUID.test(id) ? byId.get(id.toLowerCase()) : undefined;
    if (!row) throw new LedgerRefusal({ reason: "account_not_found", accountId: id });
    if (scope.kind === "key" && (!row.granted || row.mode !== scope.mode)) {
      throw new LedgerRefusal({ reason: "account_not_allowed", accountId: row.id, otherMode: row.mode !== scope.mode, keyMode: scope.mode });
    }
    const { granted: _granted, ...account } = row;
    const locked = account as LockedAccount;
    issued.add(locked);
    return locked;
  };
}

function assertPosting(account: LockedAccount, amount: bigint) {
  if (amount <= 0n) throw new Error("A posting moves a positive amount.");
  if (!issued.has(account)) throw new Error("The ledger only posts to accounts it locked and checked against a scope.");
}

/** One line of an account's statement, written with the balance the posting left. */
export interface Entry {
  description: string;
  type: "transfer" | "payment";
}

/**
 * Takes `amount` from a locked account if its balance covers it (the balance can never go below
 * zero: the update is conditional, and the database's CHECK backs it). Answers the balance after.
 */
export async function debit(tx: Transaction, account: LockedAccount, amount: bigint): Promise<bigint> {
  assertPosting(account, amount);
  const [debited] = await tx
    .update(accounts)
    .set({ balance: sql`${accounts.balance} - ${amount}` })
    .where(and(eq(accounts.id, account.id), sql`${accounts.balance} >= ${amount}`))
    .returning({ balance: accounts.balance });
  if (!debited) throw new LedgerRefusal({ reason: "insufficient_funds", accountId: account.id });
  return debited.balance;
}

/** Adds `amount` to a locked account. Answers the balance after. */
export async function credit(tx: Transaction, account: LockedAccount, amount: bigint): Promise<bigint> {
  assertPosting(account, amount);
  const [credited] = await tx
    .update(accounts)
    .set({ balance: sql`${accounts.balance} + ${amount}` })
    .where(eq(accounts.id, account.id))
    .returning({ balance: accounts.balance });
  return credited!.balance;
}

/** Writes the statement lines of postings made in this transaction, in one insert; answers their ids in order. */
export async function recordEntries(
  tx: Transaction,
  postedAt: Date,
  lines: { account: LockedAccount; amount: bigint; balanceAfter: bigint; entry: Entry }[],
): Promise<string[]> {
  const rows = await tx
    .insert(transactions)
    .values(
      lines.map(({ account, amount, balanceAfter, entry }) => ({
        accountId: account.id,
        postedAt,
        amount,
        currency: account.currency,
        description: entry.description,
        type: entry.type,
        balanceAfter,
      })),
    )
    .returning({ id: transactions.id });
  return rows.map((row) => row.id);
}
