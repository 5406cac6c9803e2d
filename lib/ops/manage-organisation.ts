import "server-only";
import { eq, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { Actor } from "@/lib/auth/actor";
import { authorizeAudited } from "@/lib/auth/authorize-audited";
import { verifyActionPin } from "@/lib/auth/pin";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { ensureFirstApplication } from "@/lib/credentials/first-application";
import type { Database } from "@/lib/db";
import { organisations } from "@/lib/db/schema";
import { NotFoundError, parseOrThrow } from "@/lib/errors";
import { organisationProductsSchema, organisationStatusSchema } from "@/lib/schemas/credentials";

async function loadOrganisation(db: Database, orgId: string) {
  const [org] = await db.select().from(organisations).where(eq(organisations.id, orgId)).limit(1);
  if (!org) throw new NotFoundError("That organisation");
  return org;
}

/**
 * A bank operator approves an organisation (its members may then create keys) or suspends it
 * (every one of its keys and tokens is refused from the next call: verification reads the status).
 * Approval gives an organisation without an application its first one, in the same transaction, so
 * its members can reach a working key (a private organisation's one and only "Individual connection").
 */
export async function setOrganisationStatus(db: Database, actor: Actor, input: unknown, request: RequestInfo): Promise<void> {
  const { orgId, status, pin } = parseOrThrow(organisationStatusSchema.safeParse(input));
  const action = status === "approved" ? "organisation.approve" : "organisation.suspend";
  await authorizeAudited(db, actor, { operator: true }, { action, targetType: "organisation", targetId: orgId }, request);
  const org = await loadOrganisation(db, orgId);
  await verifyActionPin(db, actor, pin, request);
  await changingKeyAccess(db, () =>
    db.transaction(async (tx) => {
      await tx
        .update(organisations)
        .set({ status, approvedAt: status === "approved" ? sql`coalesce(${organisations.approvedAt}, now())` : organisations.approvedAt })
        .where(eq(organisations.id, orgId));
      // Recorded against the organisation acted on, so its own audit log shows it.
      await recordAuditEvent(tx, { ...actorFields(actor, request), orgId, action, targetType: "organisation", targetId: orgId, outcome: "success", metadata: { name: org.name, from: org.status, to: status } });
      if (status === "approved") await ensureFirstApplication(tx, actor, { id: org.id, name: org.name, kind: org.kind }, request);
    }),
  );
}

/** A bank operator enables or disables the organisation's API products. */
export async function setOrganisationProducts(db: Database, actor: Actor, input: unknown, request: RequestInfo): Promise<void> {
  const { orgId, products, pin } = parseOrThrow(organisationProductsSchema.safeParse(input));
  await authorizeAudited(db, actor, { operator: true }, { action: "organisation.products", targetType: "organisation", targetId: orgId }, request);
  const org = await loadOrganisation(db, orgId);
  await verifyActionPin(db, actor, pin, request);
  const next = [...new Set(products)];
  await changingKeyAccess(db, () =>
    db.transaction(async (tx) => {
      await tx.update(organisations).set({ products: next }).where(eq(organisations.id, orgId));
      await recordAuditEvent(tx, { ...actorFields(actor, request), orgId, action: "organisation.products", targetType: "organisation", targetId: orgId, outcome: "success", metadata: { name: org.name, from: org.products.join(" "), to: next.join(" ") } });
    }),
  );
}
