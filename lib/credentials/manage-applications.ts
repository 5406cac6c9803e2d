import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent } from "@/lib/audit/record-event";
import { defineCommand } from "@/lib/auth/command";
import { accessTokens, applications } from "@/lib/db/schema";
import { DomainError, isUniqueViolation, NotFoundError } from "@/lib/errors";
import { addApplicationSchema, rotateSecretSchema } from "@/lib/schemas/credentials";
import { sha256Hex } from "@/lib/security/hashing";
import { assertNotSuspended } from "@/lib/organisations/assert-not-suspended";
import { createApplication, generateClientSecret } from "./create-application";
import { firstApplicationName } from "./first-application";

/**
 * Gives an application a new client secret, returned once (SECURITY 1: with the PIN). The old secret stops working at once,
 * and so do the access tokens issued with it. For an application whose secret was never shown (given at
 * approval), this issues its first one.
 */
export const rotateClientSecret = defineCommand({
  action: "credentials.rotate",
  target: { type: "application", id: (input) => input.applicationId },
  requires: { permission: "credentials:view" },
  schema: rotateSecretSchema,
  pin: true,
  load: async ({ db, actor, input: { applicationId } }) => {
    const [app] = await db
      .select({ id: applications.id, name: applications.name, hash: applications.clientSecretHash, last4: applications.clientSecretLast4 })
      .from(applications)
      .where(and(eq(applications.id, applicationId), eq(applications.orgId, actor.org.id)))
      .limit(1);
    if (!app) throw new NotFoundError("That application");
    return app;
  },
  run: async ({ db, actor, request }, app): Promise<{ clientSecret: string; name: string }> => {
    const orgId = actor.org.id;
    const clientSecret = generateClientSecret();
    await db.transaction(async (tx) => {
      await assertNotSuspended(tx, orgId, "client secrets cannot be issued or rotated");
      // Only if the secret is still the one read above: of two rotations at once, one wins.
      const [row] = await tx
        .update(applications)
        .set({ clientSecretHash: sha256Hex(clientSecret), clientSecretLast4: clientSecret.slice(-4), secretRotatedAt: sql`now()` })
        .where(and(eq(applications.id, app.id), eq(applications.orgId, orgId), eq(applications.clientSecretHash, app.hash)))
        .returning({ id: applications.id });
      if (!row) throw new DomainError("conflict", "The secret was rotated by someone else while you were confirming. Reload the page.");
      await tx.delete(accessTokens).where(eq(accessTokens.applicationId, app.id));
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "credentials.rotate",
        targetType: "application",
        targetId: app.id,
        outcome: "success",
        metadata: { application: app.name, ...(app.last4 === "" ? { first: "true" } : {}) },
      });
    });
    return { clientSecret, name: app.name };
  },
});

/**
 * A business organisation adds an application; its client secret is returned once. A private holder
 * without one (approved before approval gave one) makes its "Individual connection" the same way.
 */
export const addApplication = defineCommand({
  action: "credentials.application_add",
  target: { type: "application" },
  requires: { permission: "credentials:view" },
  schema: addApplicationSchema,
  pin: true,
  load: async ({ db, actor, input: { name } }) => {
    if (actor.org.kind !== "business") {
      // A private holder has exactly one: theirs came with approval. Only one without it (an organisation
      // approved before approvals gave one) may make it, and only under its one name.
      const [existing] = await db.select({ id: applications.id }).from(applications).where(eq(applications.orgId, actor.org.id)).limit(1);
      if (existing || name !== firstApplicationName("private"))
        throw new DomainError("not_business", "Private holders have one application; only business organisations add more.");
    }
    const [taken] = await db
      .select({ id: applications.id })
      .from(applications)
      .where(and(eq(applications.orgId, actor.org.id), eq(applications.name, name)))
      .limit(1);
    if (taken) throw new DomainError("invalid_request", "Check the highlighted fields.", { name: `An application called “${name}” already exists` });
  },
  run: async ({ db, actor, input: { name }, request }): Promise<{ id: string; clientId: string; clientSecret: string }> => {
    return db.transaction(async (tx) => {
      await assertNotSuspended(tx, actor.org.id, "applications cannot be added");
      let created: Awaited<ReturnType<typeof createApplication>>;
      try {
        created = await createApplication(tx, actor.org.id, name);
      } catch (error) {
        // Two people adding the same name at once: the unique index decides.
        if (isUniqueViolation(error))
          throw new DomainError("invalid_request", "Check the highlighted fields.", { name: `An application called “${name}” already exists` });
        throw error;
      }
      await recordAuditEvent(tx, {
        ...actorFields(actor, request),
        action: "credentials.application_add",
        targetType: "application",
        targetId: created.id,
        outcome: "success",
        metadata: { application: name },
      });
      return created;
    });
  },
});
