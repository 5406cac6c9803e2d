import "server-only";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { actorFields, recordAuditEvent, type RequestInfo } from "@/lib/audit/record-event";
import type { MemberActor } from "@/lib/auth/actor";
import { defineCommand } from "@/lib/auth/command";
import type { Transaction } from "@/lib/db";
import { accounts, apiKeyAccounts, apiKeyCompanies, apiKeys, applications, companies } from "@/lib/db/schema";
import { DomainError, isUniqueViolation } from "@/lib/errors";
import { movesMoney } from "@/lib/key-grants";
import { productOf } from "@/lib/key-permissions";
import { KEY_LIFETIME_DAYS } from "@/lib/key-status";
import { createKeySchema } from "@/lib/schemas/keys";
import { sha256Hex } from "@/lib/security/hashing";
import { holdForApproval } from "./approval";
import { generateApiKey } from "./key-format";
import { assertKeyManagementOpen } from "./shared";

export interface CreatedKey {
  id: string;
  /** The only time the secret leaves the server. */
  key: string;
  prefix: string;
  alias: string;
  expiresAt: Date;
  /** Maker-checker: the key works once another member approves it. */
  pendingApproval: boolean;
}

export const aliasTaken = (alias: string) =>
  new DomainError("alias_taken", "Check the highlighted fields.", { alias: `A key called “${alias}” already exists in this application` });

/** What a new key is made of, checked by the caller's schema: the wizard's answers, or a key it is narrowed from. */
export interface KeyToInsert {
  applicationId: string;
  alias: string;
  description: string | null;
  mode: "live" | "test";
  permissions: readonly string[];
  accountIds: readonly string[];
  companyIds: readonly string[];
  allowedIps: readonly string[];
  maxPerPayment: number | bigint | null;
  maxPerDay: number | bigint | null;
}

/** Refuses permissions of products the organisation does not have (any more). */
export function assertProductsEnabled(org: MemberActor["org"], permissions: readonly string[]): void {
  const notEnabled = permissions.filter((p) => !org.products.includes(productOf(p)!));
  if (notEnabled.length) {
    throw new DomainError("invalid_request", "Check the highlighted fields.", {
      permissions: "Some permissions belong to products not enabled for your organisation",
    });
  }
}

/**
 * The one body of making a key, inside the caller's transaction: checks the application, companies
 * and accounts are the organisation's and fit the mode, that the alias is free, then writes the key
 * (hash only, expiring 90 days from now), its accounts and companies, holds it for approval when
 * maker-checker applies, and writes its `key.create` audit row (`auditExtra` adds to its metadata).
 */
export async function insertKeyInTransaction(
  tx: Transaction,
  actor: MemberActor,
  data: KeyToInsert,
  request: RequestInfo,
  auditExtra: Record<string, string> = {},
): Promise<CreatedKey> {
  const org = actor.org;
  const accountIds = [...new Set(data.accountIds)];
  const companyIds = [...new Set(data.companyIds)];
  const [app] = await tx
    .select({ id: applications.id })
    .from(applications)
    .where(and(eq(applications.id, data.applicationId), eq(applications.orgId, org.id)));
  if (!app) throw new DomainError("invalid_request", "Check the highlighted fields.", { applicationId: "Choose one of your applications" });

  if (org.kind === "business") {
    const found = companyIds.length
      ? await tx
          .select({ id: companies.id })
          .from(companies)
          .where(and(inArray(companies.id, companyIds), eq(companies.orgId, org.id)))
      : [];
    if (found.length === 0 || found.length !== companyIds.length) {
      throw new DomainError("invalid_request", "Check the highlighted fields.", { companyIds: "Choose at least one of your companies" });
    }
  } else if (companyIds.length) {
    throw new DomainError("invalid_request", "Check the highlighted fields.", { companyIds: "A private organisation has no companies" });
  }

  const chosen = await tx
    .select({ id: accounts.id, mode: accounts.mode, companyId: accounts.companyId })
    .from(accounts)
    .where(and(inArray(accounts.id, accountIds), eq(accounts.orgId, org.id)));
  const valid = chosen.filter((a) => a.mode === data.mode && (org.kind === "private" || companyIds.includes(a.companyId ?? "")));
  if (valid.length !== accountIds.length) {
    throw new DomainError("invalid_request", "Check the highlighted fields.", {
      accountIds: `Choose ${data.mode === "live" ? "live" : "test"} accounts${org.kind === "business" ? " of the chosen companies" : ""}`,
    });
  }

  const [existing] = await tx
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.applicationId, app.id), eq(apiKeys.alias, data.alias), isNull(apiKeys.revokedAt)));
  if (existing) throw aliasTaken(data.alias);

  const { key, prefix } = generateApiKey(data.mode);
  const [row] = await tx
    .insert(apiKeys)
    .values({
      orgId: org.id,
      applicationId: app.id,
      alias: data.alias,
      description: data.description || null,
      mode: data.mode,
      prefix,
      secretHash: sha256Hex(key),
      permissions: [...new Set(data.permissions)].sort(),
      allowedIps: [...data.allowedIps],
      maxPerPayment: data.maxPerPayment === null ? null : BigInt(data.maxPerPayment),
      maxPerDay: data.maxPerDay === null ? null : BigInt(data.maxPerDay),
      createdBy: actor.user.id,
      expiresAt: sql`now() + make_interval(days => ${KEY_LIFETIME_DAYS})`,
    })
    .returning({ id: apiKeys.id, expiresAt: apiKeys.expiresAt });
  await tx.insert(apiKeyAccounts).values(accountIds.map((accountId) => ({ keyId: row!.id, accountId })));
  if (companyIds.length) await tx.insert(apiKeyCompanies).values(companyIds.map((companyId) => ({ keyId: row!.id, companyId })));
  const pendingApproval = await holdForApproval(tx, actor, row!.id);
  await recordAuditEvent(tx, {
    ...actorFields(actor, request),
    action: "key.create",
    targetType: "api_key",
    targetId: row!.id,
    outcome: "success",
    metadata: {
      alias: data.alias,
      prefix,
      mode: data.mode,
      permissions: data.permissions.join(" "),
      accounts: accountIds.length,
      ...(data.allowedIps.length ? { allowedIps: data.allowedIps.join(" ") } : {}),
      ...(data.maxPerPayment !== null ? { maxPerPayment: Number(data.maxPerPayment) } : {}),
      ...(data.maxPerDay !== null ? { maxPerDay: Number(data.maxPerDay) } : {}),
      ...(pendingApproval ? { pendingApproval: true } : {}),
      ...auditExtra,
    },
  });
  return { id: row!.id, key, prefix, alias: data.alias, expiresAt: row!.expiresAt, pendingApproval };
}

/**
 * Creates a key: checks the role, the organisation's onboarding, every referenced application,
 * company and account, the PIN, then writes the key (hash only), its accounts and the audit event
 * in one transaction.
 */
export const createKey = defineCommand({
  action: "key.create",
  target: { type: "api_key" },
  requires: { permission: "keys:create" },
  schema: createKeySchema,
  pin: true,
  movesMoney: (input) => movesMoney(input.permissions),
  load: async ({ actor, input }) => {
    assertKeyManagementOpen(actor.org);
    assertProductsEnabled(actor.org, input.permissions);
  },
  run: async ({ db, actor, input: data, request }): Promise<CreatedKey> => {
    try {
      return await db.transaction((tx) => insertKeyInTransaction(tx, actor, data, request));
    } catch (error) {
      // Two people creating the same alias at once: the partial unique index decides.
      if (isUniqueViolation(error)) throw aliasTaken(data.alias);
      throw error;
    }
  },
});
