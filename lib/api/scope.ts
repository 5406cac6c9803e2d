import "server-only";
import { and, eq } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { accounts, apiKeyAccounts } from "@/lib/db/schema";
import type { ApiCaller } from "./authenticate";
import { ApiError } from "./http";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An account the key may use: one it was given, of its own mode. Another organisation's account is
 * simply not found; one of the organisation's own that the key was not given is not allowed.
 */
export async function keyAccount(db: Executor, caller: ApiCaller, accountId: string) {
  if (!UUID.test(accountId)) throw new ApiError(404, "not_found", "No such account.");
  const [row] = await db
    .select({
      id: accounts.id,
      orgId: accounts.orgId,
      name: accounts.name,
      number: accounts.number,
      currency: accounts.currency,
      mode: accounts.mode,
      balance: accounts.balance,
      companyId: accounts.companyId,
      granted: apiKeyAccounts.keyId,
    })
    .from(accounts)
    .leftJoin(apiKeyAccounts, and(eq(apiKeyAccounts.accountId, accounts.id), eq(apiKeyAccounts.keyId, caller.keyId)))
    .where(eq(accounts.id, accountId))
    .limit(1);
  if (!row || row.orgId !== caller.orgId) throw new ApiError(404, "not_found", "No such account.");
  if (!row.granted || row.mode !== caller.mode) {
    throw new ApiError(
      403,
      "account_not_allowed",
      `This key may not use that account${row.mode !== caller.mode ? ` (a ${caller.mode} key sees only ${caller.mode} accounts)` : ""}.`,
    );
  }
  return row;
}
