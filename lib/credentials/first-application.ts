import "server-only";
import { count, eq } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Actor } from "@/lib/auth/actor";
import type { Transaction } from "@/lib/db";
import { applications, organisations } from "@/lib/db/schema";
import { createApplication } from "./create-application";

/** What an organisation's first application is called: Investec's name for a private holder's one connection. */
export function firstApplicationName(kind: "private" | "business"): string {
  return kind === "private" ? "Individual connection" : "Default connection";
}

/**
 * Gives an organisation its first application when it has none, so that every approved organisation
 * can reach a working key. Runs inside the approval's transaction, with the organisation's row locked,
 * so approving twice (or twice at once) never makes a second one.
 *
 * Its client secret is not shown to anyone here — the operator approving must never hold a customer's
 * credential. The application starts with a secret nobody knows (`clientSecretLast4` empty); a member
 * with credentials:view issues the real one with their PIN, shown once, through the rotation.
 */
export async function ensureFirstApplication(
  tx: Transaction,
  actor: Actor,
  org: { id: string; name: string; kind: "private" | "business" },
  request: RequestInfo,
): Promise<{ id: string; name: string } | null> {
  await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, org.id)).for("update");
  const [existing] = await tx.select({ n: count() }).from(applications).where(eq(applications.orgId, org.id));
  if ((existing?.n ?? 0) > 0) return null;
  const name = firstApplicationName(org.kind);
  const created = await createApplication(tx, org.id, name, { issueSecret: false });
  await recordAuditEvent(tx, {
    ...actorFields(actor, request),
    orgId: org.id,
    action: "credentials.application_add",
    targetType: "application",
    targetId: created.id,
    outcome: "success",
    metadata: { application: name, reason: "first application, on approval" },
  });
  return { id: created.id, name };
}
