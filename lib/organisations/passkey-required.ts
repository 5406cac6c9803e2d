import "server-only";
import { eq } from "drizzle-orm";
import type { Executor } from "@/lib/db";
import { organisations } from "@/lib/db/schema";

/** Whether the organisation refuses the PIN alone for actions that move money or make keys that can. */
export async function passkeyRequired(db: Executor, orgId: string): Promise<boolean> {
  const [row] = await db.select({ required: organisations.requirePasskeyForMoney }).from(organisations).where(eq(organisations.id, orgId));
  return row?.required ?? false;
}
