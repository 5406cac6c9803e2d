import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { beforeAll, describe, expect, it } from "vitest";
import { listAccounts } from "@/lib/api/accounts";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { dispatchApi } from "@/lib/api/routes";
import { handleLeakReport, LEAK_REPORT_BODY_LIMIT, LEAK_REPORTS_PER_MINUTE } from "@/lib/api/secret-scanning";
import type { Database } from "@/lib/db";
import { isEmbedded } from "@/lib/db/client";
import * as schema from "@/lib/db/schema";
import { apiKeys, auditEvents, emailOutbox, memberships, notifications, organisations, roles, users } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { generateApiKey } from "@/lib/keys/key-format";
import { regenerateKey } from "@/lib/keys/regenerate-key";
import { sha256Hex } from "@/lib/security/hashing";
import { parseSecretScanningKeys } from "@/lib/security/secret-scanning-keys";
import { call } from "@/lib/test/api";
import { actorFor, context, db } from "@/lib/test/helpers";
import { keyVerdict as verdict } from "@/lib/test/outcomes";
import { keyRow, keyTablesSnapshot, makeKey, pinOf } from "@/lib/test/keys";

const PARTNER = "partner-2026-1";
const pair = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const stranger = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const KEYS = new Map<string, KeyObject>([[PARTNER, pair.publicKey]]);

let ipCounter = 0;

/** A report as a partner sends it: the body's exact bytes signed with `privateKey` (base64 DER). */
function reportRequest(
  body: unknown,
  options: { privateKey?: KeyObject | null; keyId?: string; headers?: Record<string, string>; method?: string; ip?: string } = {},
): Request {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const headers: Record<string, string> = { "content-type": "application/json", [CLIENT_ADDRESS_HEADER]: options.ip ?? `198.51.100.${++ipCounter % 250}` };
  const privateKey = options.privateKey === undefined ? pair.privateKey : options.privateKey;
  if (privateKey) headers["x-signature"] = sign("sha256", Buffer.from(text), privateKey).toString("base64");
  headers["x-signature-key-id"] = options.keyId ?? PARTNER;
  Object.assign(headers, options.headers);
  return new Request("http://bank.test/api/secret-scanning/report", { method: options.method ?? "POST", headers, body: text });
}

/**
 * The same database over the same connection, with every statement it sends counted: a real
 * database, not a stand-in — only the count is read. (The rate limit keeps to the process's own.)
 */
function countingDb(): { db: Database; statements: () => number } {
  let count = 0;
  const logger = { logQuery: () => void (count += 1) };
  const client = (db() as unknown as { $client: never }).$client;
  const counted = isEmbedded(db())
    ? (drizzlePglite({ client, schema, casing: "snake_case", logger }) as unknown as Database)
    : (drizzlePg({ client, schema, casing: "snake_case", logger }) as unknown as Database);
  return { db: counted, statements: () => count };
}

async function report(body: unknown, options: Parameters<typeof reportRequest>[1] & { db?: Database; keys?: Map<string, KeyObject> | null } = {}) {
  const response = await handleLeakReport(reportRequest(body, options), { db: options.db, keys: options.keys === undefined ? KEYS : options.keys });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

/** Everything a report may write: the key tables, and the audit, bell and outbox rows. */
async function everything() {
  return JSON.stringify([await keyTablesSnapshot(), await db().$count(auditEvents), await db().$count(notifications), await db().$count(emailOutbox)]);
}

const sighting = (token: string, extra: Record<string, unknown> = {}) => ({
  token,
  type: "latchkey_api_key",
  url: "https://github.com/acme/erp/blob/main/.env",
  source: "content",
  ...extra,
});

/** The members of an organisation told of a leak: whoever may renew or delete its keys, as the roles table says. */
async function holdersOf(orgName: string): Promise<string[]> {
  const rows = await db()
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.orgId))
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(organisations.name, orgName), sql`('keys:renew' = any(${roles.permissions}) or 'keys:delete' = any(${roles.permissions}))`));
  return rows.map((r) => r.email).sort();
}

beforeAll(async () => {
  await seedDemoData(db());
});

describe("POST /api/secret-scanning/report", () => {
  it("freezes a Latchkey key found in public, tells its holders with the URL, audits it, and labels every token in order", async () => {
    const leaked = await makeKey();
    const unknown = generateApiKey("live").key;
    const typo = `${leaked.key.slice(0, -1)}${leaked.key.endsWith("A") ? "B" : "A"}`;
    const body = [
      sighting(leaked.key),
      sighting(unknown, { type: "other" }),
      sighting(typo),
      sighting("ghp_16C7e42F292c6912E7710c838347Ae178B4a", { type: "github_pat" }),
    ];
    const answer = await report(body);

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual([
      { token_hash: sha256Hex(leaked.key), token_type: "latchkey_api_key", label: "true_positive" },
      { token_hash: sha256Hex(unknown), token_type: "other", label: "false_positive" },
      { token_hash: sha256Hex(typo), token_type: "latchkey_api_key", label: "false_positive" },
      { token_hash: sha256Hex(body[3]!.token), token_type: "github_pat", label: "false_positive" },
    ]);

    const row = await keyRow(leaked.id);
    expect(row.leakedAt).not.toBeNull();
    expect(row).toMatchObject({ leakUrl: "https://github.com/acme/erp/blob/main/.env", leakSource: "content", leakReportedBy: null });
    expect(await verdict(leaked.key)).toBe("key_leaked");
    const refused = await call(listAccounts, { path: "/api/v1/accounts", key: leaked.key });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe("key_leaked");

    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, leaked.id), eq(auditEvents.action, "key.leaked")));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorLabel: `Secret scanning partner (${PARTNER})`, actorUserId: null, outcome: "success" });
    expect(audit[0]!.metadata).toMatchObject({ url: "https://github.com/acme/erp/blob/main/.env", source: "content", tokenType: "latchkey_api_key" });
    expect(JSON.stringify(audit[0])).not.toContain(leaked.key);
    expect(JSON.stringify(audit[0])).not.toContain(sha256Hex(leaked.key));

    const told = await db()
      .select({ email: users.email, title: notifications.title, body: notifications.body, kind: notifications.kind })
      .from(notifications)
      .innerJoin(users, eq(users.id, notifications.userId))
      .where(eq(notifications.subjectId, leaked.id));
    const holders = await holdersOf(ORG_NAMES.acme);
    expect(holders.length).toBeGreaterThan(1);
    expect(told.map((t) => t.email).sort()).toEqual(holders);
    expect(told[0]!.kind).toBe("key_leaked");
    expect(told[0]!.body).toContain("https://github.com/acme/erp/blob/main/.env");
    const mails = await db()
      .select()
      .from(emailOutbox)
      .where(sql`${emailOutbox.dedupeKey} like ${`leak:${leaked.id}:%`}`);
    expect(mails.map((m) => m.toAddress).sort()).toEqual(holders);
    expect(mails[0]!.body).toContain("https://github.com/acme/erp/blob/main/.env");
    expect(mails[0]!.body).toContain(`/keys/${leaked.id}`);
    expect(mails[0]!.body).not.toContain(leaked.key);
  });

  it("a replayed report labels the same and writes nothing more: no second audit row, notification or e-mail", async () => {
    const leaked = await makeKey();
    const body = [sighting(leaked.key, { url: "https://gist.github.com/x/1" })];
    const first = await report(body);
    const before = await everything();
    const second = await report(body);
    expect(second.status).toBe(200);
    expect(second.json).toEqual(first.json);
    expect(second.json[0].label).toBe("true_positive");
    expect(await everything()).toBe(before);
    expect(await db().$count(auditEvents, and(eq(auditEvents.targetId, leaked.id), eq(auditEvents.action, "key.leaked")))).toBe(1);
  });

  it("refuses a missing or wrong signature with 401 and changes nothing, before reading the database", async () => {
    const key = await makeKey();
    const body = [sighting(key.key)];
    const signedOther = sign("sha256", Buffer.from(JSON.stringify([sighting(generateApiKey("live").key)])), pair.privateKey).toString("base64");
    const cases: [string, Parameters<typeof reportRequest>[1]][] = [
      ["no signature", { privateKey: null }],
      ["signed by another key", { privateKey: stranger.privateKey }],
      ["unknown key id", { keyId: "partner-unknown" }],
      ["no key id", { headers: { "x-signature-key-id": "" } }],
      ["not base64", { headers: { "x-signature": "!!not-base64!!" } }],
      ["garbage DER", { headers: { "x-signature": Buffer.from("not a DER signature at all").toString("base64") } }],
      ["another body's signature", { headers: { "x-signature": signedOther } }],
      ["a key id of Object's prototype", { keyId: "constructor" }],
    ];
    const before = await everything();
    for (const [label, options] of cases) {
      const counting = countingDb();
      const answer = await report(body, { ...options, db: counting.db });
      expect(answer.status, label).toBe(401);
      expect(answer.json.error, label).toMatchObject({ code: "invalid_signature" });
      expect(counting.statements(), label).toBe(0);
    }
    // A body changed after signing: the signature is over the exact bytes.
    const tampered = reportRequest(body);
    const forged = new Request(tampered.url, {
      method: "POST",
      headers: tampered.headers,
      body: JSON.stringify([sighting(key.key, { url: "https://evil.example/" })]),
    });
    expect((await handleLeakReport(forged, { keys: KEYS })).status).toBe(401);
    expect(await everything()).toBe(before);
    expect(await verdict(key.key)).toBe("valid");
  });

  it("labels an unknown well-formed key false_positive after one lookup, and a token whose checksum fails without any query", async () => {
    const unknown = generateApiKey("test").key;
    const lookedUp = countingDb();
    const first = await report([sighting(unknown)], { db: lookedUp.db });
    expect(first.json).toEqual([{ token_hash: sha256Hex(unknown), token_type: "latchkey_api_key", label: "false_positive" }]);
    expect(lookedUp.statements()).toBeGreaterThan(0);

    const typo = `${unknown.slice(0, -6)}000000`;
    const malformed = ["lk_live_short", `${unknown}x`, typo, "lk_prod_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ghp_abc", "lkat_".padEnd(48, "A")];
    const counting = countingDb();
    const answer = await report(
      malformed.map((token) => sighting(token)),
      { db: counting.db },
    );
    expect(answer.status).toBe(200);
    expect(answer.json.map((l: { label: string }) => l.label)).toEqual(malformed.map(() => "false_positive"));
    expect(answer.json.map((l: { token_hash: string }) => l.token_hash)).toEqual(malformed.map(sha256Hex));
    expect(counting.statements()).toBe(0);
  });

  it("takes 100 tokens at once and refuses 101 with 422 in the error shape", async () => {
    const real = await makeKey();
    const tokens = [...Array.from({ length: 99 }, () => generateApiKey("live").key), real.key];
    const answer = await report(tokens.map((token) => sighting(token)));
    expect(answer.status).toBe(200);
    expect(answer.json).toHaveLength(100);
    expect(answer.json.filter((l: { label: string }) => l.label === "true_positive")).toEqual([
      { token_hash: sha256Hex(real.key), token_type: "latchkey_api_key", label: "true_positive" },
    ]);
    expect(answer.json.map((l: { token_hash: string }) => l.token_hash)).toEqual(tokens.map(sha256Hex));

    const before = await everything();
    const tooMany = await report([...tokens, generateApiKey("live").key].map((token) => sighting(token)));
    expect(tooMany.status).toBe(422);
    expect(tooMany.json).toEqual({
      error: {
        code: "invalid_request",
        message: expect.stringContaining("body"),
        fields: { body: "Send at most 100 tokens a request" },
        requestId: expect.any(String),
      },
    });
    expect(await everything()).toBe(before);
  });

  it("freezes a key whose old secret, still in its overlap, was found — and ends both secrets at once", async () => {
    const created = await makeKey();
    const rolled = await regenerateKey(
      db(),
      await actorFor("naledi@acme.example"),
      { keyId: created.id, overlap: "24h", pin: pinOf("naledi@acme.example") },
      context,
    );
    expect(await verdict(created.key)).toBe("valid");
    const answer = await report([sighting(created.key)]);
    expect(answer.json[0].label).toBe("true_positive");
    const row = await keyRow(created.id);
    expect(row.leakedAt).not.toBeNull();
    expect(row.previousSecretHash).toBeNull();
    expect(await verdict(created.key)).toBe("invalid_key");
    expect(await verdict(rolled.key)).toBe("key_leaked");
  });

  it("labels a deleted key's token false_positive and leaves the tombstone alone", async () => {
    const key = await makeKey("thabo@nkosi.example");
    await db().update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, key.id));
    const answer = await report([sighting(key.key)]);
    expect(answer.json[0].label).toBe("false_positive");
    expect((await keyRow(key.id)).leakedAt).toBeNull();
  });

  it("refuses hostile reports in the error shape, changing nothing", async () => {
    const key = await makeKey();
    const before = await everything();
    const refusals: [string, Awaited<ReturnType<typeof report>>, number, string, string?][] = [
      ["NUL in the url", await report([sighting(key.key, { url: "https://x.example/\u0000" })]), 422, "invalid_request", "0.url"],
      ["a newline in the token", await report([sighting(`${key.key}\n`)]), 422, "invalid_request", "0.token"],
      ["DEL in the source", await report([sighting(key.key, { source: "content\u007f" })]), 422, "invalid_request", "0.source"],
      ["a number as token", await report([sighting(key.key, { token: 42 })]), 422, "invalid_request", "0.token"],
      ["an empty token", await report([sighting("")]), 422, "invalid_request", "0.token"],
      ["a token too long", await report([sighting("a".repeat(201))]), 422, "invalid_request", "0.token"],
      ["a url too long", await report([sighting(key.key, { url: `https://x.example/${"a".repeat(2048)}` })]), 422, "invalid_request", "0.url"],
      ["no type", await report([{ token: key.key }]), 422, "invalid_request", "0.type"],
      ["not an array", await report(sighting(key.key)), 422, "invalid_request", "body"],
      ["an empty array", await report([]), 422, "invalid_request", "body"],
      ["not JSON", await report("[{"), 422, "invalid_request", "body"],
      ["JSON null", await report("null"), 422, "invalid_request", "body"],
      ["text/plain", await report([sighting(key.key)], { headers: { "content-type": "text/plain" } }), 415, "unsupported_media_type"],
      ["a form", await report([sighting(key.key)], { headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, "unsupported_media_type"],
      ["not configured", await report([sighting(key.key)], { keys: null }), 404, "not_found"],
    ];
    for (const [label, answer, status, code, field] of refusals) {
      expect(answer.status, label).toBe(status);
      expect(answer.json.error, label).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
      if (field) expect(Object.keys(answer.json.error.fields), label).toContain(field);
    }
    expect(await everything()).toBe(before);
    expect(await verdict(key.key)).toBe("valid");
  });

  it("refuses a body over the limit with 413, announced or streamed, before verifying it", async () => {
    const huge = JSON.stringify([sighting("x".repeat(LEAK_REPORT_BODY_LIMIT))]);
    const announced = await report(huge);
    expect(announced.status).toBe(413);
    expect(announced.json.error.code).toBe("payload_too_large");

    // Streamed without a length: read only up to the limit.
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 64 * 1024;
        if (pulled > 64 * LEAK_REPORT_BODY_LIMIT) controller.close();
        else controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
    });
    const request = new Request("http://bank.test/api/secret-scanning/report", {
      method: "POST",
      headers: { "content-type": "application/json", "x-signature-key-id": PARTNER, "x-signature": "AAAAAAAAAAAA" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const streamed = await handleLeakReport(request, { keys: KEYS });
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(LEAK_REPORT_BODY_LIMIT * 2);
  });

  it("answers only POST: another method is 405 with Allow; unconfigured, POST is 404", async () => {
    for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
      const response = await dispatchApi(new Request("http://bank.test/api/secret-scanning/report", { method }));
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow"), method).toContain("POST");
      expect((await response.json()).error.code).toBe("method_not_allowed");
    }
    // The test environment configures no partner: the route exists, and says it is not configured.
    const response = await dispatchApi(reportRequest([sighting(generateApiKey("live").key)]));
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toContain("LATCHKEY_SECRET_SCANNING_KEYS");
  });

  it("limits signed reports per address", async () => {
    const body = [sighting("ghp_not_ours", { type: "github_pat" })];
    const ip = "203.0.113.77";
    for (let i = 0; i < LEAK_REPORTS_PER_MINUTE; i++) expect((await report(body, { ip })).status).toBe(200);
    const limited = await report(body, { ip });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another address is not held up.
    expect((await report(body, { ip: "203.0.113.78" })).status).toBe(200);
  });
});

describe("LATCHKEY_SECRET_SCANNING_KEYS", () => {
  const pem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();

  it("reads a JSON object of key id → P-256 PEM", () => {
    const keys = parseSecretScanningKeys(JSON.stringify({ "partner-1": pem, "partner-2": stranger.publicKey.export({ type: "spki", format: "pem" }) }));
    expect([...keys.keys()]).toEqual(["partner-1", "partner-2"]);
  });

  it("refuses anything else with a message naming the fault", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString();
    const p384 = generateKeyPairSync("ec", { namedCurve: "secp384r1" }).publicKey.export({ type: "spki", format: "pem" }).toString();
    const cases: [string, RegExp][] = [
      ["not json", /JSON object/],
      ["[]", /JSON object/],
      ["{}", /names no key/],
      [JSON.stringify({ "has space": pem }), /printable ASCII/],
      [JSON.stringify({ "": pem }), /printable ASCII/],
      [JSON.stringify({ p: 42 }), /PEM string/],
      [JSON.stringify({ p: "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----" }), /not a PEM public key/],
      [JSON.stringify({ p: rsa }), /P-256/],
      [JSON.stringify({ p: p384 }), /P-256/],
    ];
    for (const [text, message] of cases) expect(() => parseSecretScanningKeys(text), text.slice(0, 30)).toThrow(message);
  });
});
