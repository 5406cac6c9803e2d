import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { defineCommand } from "@/lib/auth/command";
import { apiKeys, applications } from "@/lib/db/schema";
import { DomainError } from "@/lib/errors";
import { checkKeyAliasSchema } from "@/lib/schemas/key-alias";
import { assertKeyManagementOpen } from "./shared";

/**
 * Whether an alias is free in one of the actor's applications, asked when the wizard's first step is
 * submitted so a taken alias is caught before the PIN. Creating the key checks again (and the unique
 * index decides a race); this only spares the person a wasted walk through the wizard.
 */
export const checkKeyAlias = defineCommand({
  action: "key.create",
  target: { type: "api_key" },
  requires: { permission: "keys:create" },
  schema: checkKeyAliasSchema,
  run: async ({ db, actor, input: data }): Promise<{ alias: string; available: true }> => {
    const org = actor.org;
    assertKeyManagementOpen(org);
    const [app] = await db
      .select({ id: applications.id, name: applications.name })
      .from(applications)
      .where(and(eq(applications.id, data.applicationId), eq(applications.orgId, org.id)));
    if (!app) throw new DomainError("invalid_request", "Check the highlighted fields.", { applicationId: "Choose one of your applications" });
    const [taken] = await db
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(and(eq(apiKeys.orgId, org.id), eq(apiKeys.applicationId, app.id), eq(apiKeys.alias, data.alias), isNull(apiKeys.revokedAt)))
      .limit(1);
    if (taken) {
      throw new DomainError("alias_taken", "Check the highlighted fields.", {
        alias: `An active key in ${app.name} is already called “${data.alias}”. Choose another alias.`,
      });
    }
    return { alias: data.alias, available: true };
  },
});
