import "server-only";
import { eq, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { changingKeyAccess } from "@/lib/api/key-cache";
import { ensureFirstApplication } from "@/lib/credentials/first-application";
import type { Database } from "@/lib/db";
import { organisations } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
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
export const setOrganisationStatus = defineCommand({
  action: (input) => (input.status === "approved" ? "organisation.approve" : "organisation.suspend"),
  target: { type: "organisation", id: (input) => input.orgId },
  requires: { operator: true },
  schema: organisationStatusSchema,
  pin: true,
  load: ({ db, input }) => loadOrganisation(db, input.orgId),
  run: async ({ db, actor, input: { orgId, status }, request }, org) => {
    const action = status === "approved" ? "organisation.approve" : "organisation.suspend";
    await changingKeyAccess(db, () =>
      db.transaction(async (tx) => {
        await tx
          .update(organisations)
          .set({ status, approvedAt: status === "approved" ? sql`coalesce(${organisations.approvedAt}, now())` : organisations.approvedAt })
          .where(eq(organisations.id, orgId));
        // Recorded against the organisation acted on, so its own audit log shows it.
        await recordAuditEvent(tx, {
          ...actorFields(actor, request),
          orgId,
          action,
          targetType: "organisation",
          targetId: orgId,
          outcome: "success",
          metadata: { name: org.name, from: org.status, to: status },
        });
        if (status === "approved") await ensureFirstApplication(tx, actor, { id: org.id, name: org.name, kind: org.kind }, request);
      }),
    );
  },
});

/** A bank operator enables or disables the organisation's API products. */
export const setOrganisationProducts = defineCommand({
  action: "organisation.products",
  target: { type: "organisation", id: (input) => input.orgId },
  requires: { operator: true },
  schema: organisationProductsSchema,
  pin: true,
  load: ({ db, input }) => loadOrganisation(db, input.orgId),
  run: async ({ db, actor, input: { orgId, products }, request }, org) => {
    const next = [...new Set(products)];
    await changingKeyAccess(db, () =>
      db.transaction(async (tx) => {
        await tx.update(organisations).set({ products: next }).where(eq(organisations.id, orgId));
        await recordAuditEvent(tx, {
          ...actorFields(actor, request),
          orgId,
          action: "organisation.products",
          targetType: "organisation",
          targetId: orgId,
          outcome: "success",
          metadata: { name: org.name, from: org.products.join(" "), to: next.join(" ") },
        });
      }),
    );
  },
});
