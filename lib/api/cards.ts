import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import { recordAuditEvent } from "@/lib/audit/record-event";
import { accounts, apiKeyAccounts, cards } from "@/lib/db/schema";
import type { Executor } from "@/lib/db";
import type { ApiCaller } from "./authenticate";
import { API_ENDPOINTS } from "./endpoints";
import { apiAuditFields, endpointHandler } from "./handler";
import { ApiError, invalid, json, readJson } from "./http";
import { cardCodeRequest } from "./schemas";
import { keyAccount } from "./scope";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET /api/v1/cards — cards on the key's accounts. */
export const listCards = endpointHandler(API_ENDPOINTS.listCards, async ({ db, caller }) => {
  const rows = await db
    .select({ id: cards.id, accountId: cards.accountId, last4: cards.last4, name: cards.name })
    .from(cards)
    .innerJoin(apiKeyAccounts, and(eq(apiKeyAccounts.accountId, cards.accountId), eq(apiKeyAccounts.keyId, caller.keyId)))
    .innerJoin(accounts, eq(accounts.id, cards.accountId))
    .where(eq(accounts.mode, caller.mode))
    .orderBy(asc(cards.name));
  return json({ cards: rows });
});

async function keyCard(db: Executor, caller: ApiCaller, cardId: string) {
  if (!UUID.test(cardId)) throw new ApiError(404, "not_found", "No such card.");
  const [card] = await db.select().from(cards).where(eq(cards.id, cardId)).limit(1);
  if (!card || card.orgId !== caller.orgId) throw new ApiError(404, "not_found", "No such card.");
  await keyAccount(db, caller, card.accountId);
  return card;
}

/** GET /api/v1/cards/{id}/code */
export const getCardCode = endpointHandler(API_ENDPOINTS.getCardCode, async ({ db, caller, params }) => {
  const card = await keyCard(db, caller, params.id);
  return json({ cardId: card.id, code: card.code, updatedAt: card.codeUpdatedAt.toISOString() });
});

/** PUT /api/v1/cards/{id}/code — replaces the code (10,000 characters at most); audited. */
export const putCardCode = endpointHandler(API_ENDPOINTS.putCardCode, async (context) => {
  const { db, caller, params, request } = context;
  const parsed = cardCodeRequest.safeParse(await readJson(request));
  if (!parsed.success) throw invalid(parsed.error.issues);
  const card = await keyCard(db, caller, params.id);
  const updated = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(cards)
      .set({ code: parsed.data.code, codeUpdatedAt: sql`now()` })
      .where(eq(cards.id, card.id))
      .returning({ codeUpdatedAt: cards.codeUpdatedAt });
    await recordAuditEvent(tx, {
      ...apiAuditFields(context),
      action: "api.card_code_update",
      targetType: "card",
      targetId: card.id,
      outcome: "success",
      metadata: { length: parsed.data.code.length },
    });
    return row!;
  });
  return json({ cardId: card.id, code: parsed.data.code, updatedAt: updated.codeUpdatedAt.toISOString() });
});
