import "server-only";
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import { payments, transactions } from "@/lib/db/schema";
import { API_ENDPOINTS } from "./endpoints";
import { endpointHandler } from "./handler";
import { invalid, json } from "./http";
import { transactionsQuery } from "./schemas";
import { keyAccount } from "./scope";

export const TRANSACTIONS_PAGE_SIZE = 50;

/** GET /api/v1/accounts — the accounts the key was given, of its mode: verification already read them. */
export const listAccounts = endpointHandler(API_ENDPOINTS.listAccounts, async ({ caller }) => json({ accounts: caller.accounts }));

/** GET /api/v1/accounts/{id}/balance — available excludes payments waiting for approval. */
export const getBalance = endpointHandler(API_ENDPOINTS.getBalance, async ({ db, caller, params }) => {
  const account = await keyAccount(db, caller, params.id);
  const [pending] = await db
    .select({ total: sql<string>`coalesce(sum(${payments.amount}), 0)` })
    .from(payments)
    .where(and(eq(payments.accountId, account.id), eq(payments.status, "pending_approval")));
  const current = Number(account.balance);
  return json({ accountId: account.id, currency: account.currency, currentBalance: current, availableBalance: current - Number(pending?.total ?? 0) });
});

/** GET /api/v1/accounts/{id}/transactions?from=&to=&page= — newest first, 50 a page. */
export const listTransactions = endpointHandler(API_ENDPOINTS.listTransactions, async ({ db, caller, params, request }) => {
  const query = transactionsQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw invalid(query.error.issues);
  const account = await keyAccount(db, caller, params.id);
  const page = query.data.page ?? 1;
  const filters = [eq(transactions.accountId, account.id)];
  if (query.data.from) filters.push(gte(transactions.postedAt, new Date(`${query.data.from}T00:00:00Z`)));
  if (query.data.to) filters.push(lt(transactions.postedAt, new Date(new Date(`${query.data.to}T00:00:00Z`).getTime() + 86_400_000)));
  const rows = await db
    .select({
      id: transactions.id,
      postedAt: transactions.postedAt,
      amount: transactions.amount,
      currency: transactions.currency,
      description: transactions.description,
      type: transactions.type,
      balanceAfter: transactions.balanceAfter,
    })
    .from(transactions)
    .where(and(...filters))
    .orderBy(desc(transactions.postedAt), desc(transactions.createdAt))
    .limit(TRANSACTIONS_PAGE_SIZE + 1)
    .offset((page - 1) * TRANSACTIONS_PAGE_SIZE);
  return json({ transactions: rows.slice(0, TRANSACTIONS_PAGE_SIZE), nextPage: rows.length > TRANSACTIONS_PAGE_SIZE ? page + 1 : null });
});

/** GET /api/v1/accounts/{id}/statements — one per calendar month (UTC), from the transactions. */
export const listStatements = endpointHandler(API_ENDPOINTS.listStatements, async ({ db, caller, params }) => {
  const account = await keyAccount(db, caller, params.id);
  const result = await db.execute<{ month: string; opening: string; closing: string }>(sql`
    select to_char(date_trunc('month', posted_at at time zone 'UTC'), 'YYYY-MM') as month,
      ((array_agg(balance_after - amount order by posted_at, created_at))[1])::text as opening,
      ((array_agg(balance_after order by posted_at desc, created_at desc))[1])::text as closing
    from transactions where account_id = ${account.id}
    group by 1 order by 1 desc`);
  return json({
    statements: result.rows.map((r) => ({ month: r.month, currency: account.currency, openingBalance: Number(r.opening), closingBalance: Number(r.closing) })),
  });
});
