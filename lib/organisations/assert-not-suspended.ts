import "server-only";
import { eq } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { organisations } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";

/**
 * Inside the transaction of a money path or a credential change: refuses while the organisation is
 * suspended. The row is locked FOR SHARE, so a suspension committing at the same moment waits for
 * this transaction or is seen by it — never slips between the check and the change.
 */
export async function assertNotSuspended(tx: Executor, orgId: string, what: string): Promise<void> {
  const [org] = await tx.select({ status: organisations.status }).from(organisations).where(eq(organisations.id, orgId)).for("share");
  if (!org || org.status === "suspended") {
    throw new DomainError("organisation_suspended", `The bank has suspended your organisation, so ${what} until it is reinstated.`);
  }
}
