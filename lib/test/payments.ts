import { eq } from "drizzle-orm";
import { accounts, payments } from "@/lib/db/schema";
import { db } from "./helpers";

/** A payment waiting for approval from Acme Retail's ZAR operating account, and that account. */
export async function pendingPayment(amount: bigint, beneficiaryName = "Tiger Brands") {
  const [account] = await db().select().from(accounts).where(eq(accounts.name, "Acme Retail ZAR operating"));
  const [row] = await db()
    .insert(payments)
    .values({
      orgId: account!.orgId,
      accountId: account!.id,
      amount,
      currency: "ZAR",
      beneficiaryName,
      beneficiaryAccountNumber: "1234567890",
      beneficiaryBankCode: "250655",
      reference: "Test",
    })
    .returning();
  return { payment: row!, account: account! };
}
