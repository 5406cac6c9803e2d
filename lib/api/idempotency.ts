import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Database, Transaction } from "@/lib/db";
import { idempotencyRecords } from "@/lib/db/schema";
import { sha256Hex } from "@/lib/security/hashing";
import type { ApiCaller } from "./authenticate";
import { ApiError, json, jsonText, serialize } from "./http";

export interface ApiResult {
  status: number;
  body: unknown;
}

/**
 * Runs a write once per `Idempotency-Key`. The key is claimed inside the same transaction as the
 * write, so a retry that races the original waits for it and then gets the stored answer; the same
 * key with a different body is a 409. A write that fails rolls back its claim, so it may be retried.
 */
export async function idempotent(
  db: Database,
  caller: ApiCaller,
  request: Request,
  rawBody: string,
  write: (tx: Transaction) => Promise<ApiResult>,
): Promise<Response> {
  const key = request.headers.get("idempotency-key");
  if (key === null) {
    const result = await db.transaction(write);
    return json(result.body, result.status);
  }
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new ApiError(422, "invalid_request", "Idempotency-Key must be 1 to 255 visible ASCII characters.", { "Idempotency-Key": "Invalid" });
  }
  const requestHash = sha256Hex(`${request.method} ${new URL(request.url).pathname}\n${rawBody}`);
  const result = await db.transaction(async (tx) => {
    const claimed = await tx
      .insert(idempotencyRecords)
      .values({ keyId: caller.keyId, idempotencyKey: key, requestHash, responseStatus: 0, responseBody: {} })
      .onConflictDoNothing()
      .returning({ keyId: idempotencyRecords.keyId });
    if (claimed.length === 0) {
      const [earlier] = await tx
        .select()
        .from(idempotencyRecords)
        .where(and(eq(idempotencyRecords.keyId, caller.keyId), eq(idempotencyRecords.idempotencyKey, key)));
      if (!earlier || earlier.requestHash !== requestHash) {
        throw new ApiError(409, "idempotency_conflict", "This Idempotency-Key was already used with a different request.");
      }
      // The first answer's exact text (kept as a JSON string: a jsonb object would reorder its keys).
      const text = typeof earlier.responseBody === "string" ? earlier.responseBody : serialize(earlier.responseBody);
      return { status: earlier.responseStatus, text, replayed: true };
    }
    const fresh = await write(tx);
    const text = serialize(fresh.body);
    await tx
      .update(idempotencyRecords)
      .set({ responseStatus: fresh.status, responseBody: sql`to_jsonb(${text}::text)` })
      .where(and(eq(idempotencyRecords.keyId, caller.keyId), eq(idempotencyRecords.idempotencyKey, key)));
    return { status: fresh.status, text, replayed: false };
  });
  return jsonText(result.text, result.status, result.replayed ? { "idempotent-replayed": "true" } : {});
}
