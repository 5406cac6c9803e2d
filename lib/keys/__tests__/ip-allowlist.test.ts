import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { listAccounts } from "@/lib/api/accounts";
import { issueToken } from "@/lib/api/oauth";
import { apiKeys, applications, auditEvents } from "@/lib/db/schema";
import { seedDemoData, type SeededApplication } from "@/lib/demo/seed";
import { DomainError, NotFoundError } from "@/lib/errors";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { createKey } from "@/lib/keys/create-key";
import { setKeyAllowlist } from "@/lib/keys/set-key-allowlist";
import { addressAllowed, describeAllowlist, ipAllowlistSchema } from "@/lib/schemas/ip-allowlist";
import { call } from "@/lib/test/api";
import { actorFor, context, db } from "@/lib/test/helpers";
import { keyRow, keyTablesSnapshot, makeKey, pinOf, validKeyInput } from "@/lib/test/keys";

const NALEDI = "naledi@acme.example";
const from = (address: string) => ({ [CLIENT_ADDRESS_HEADER]: address });

function refusal(input: unknown): string {
  const result = ipAllowlistSchema.safeParse(input);
  if (result.success) throw new Error(`accepted ${JSON.stringify(input)}`);
  return result.error.issues.map((i) => i.message).join("; ");
}

let apps: SeededApplication[];
beforeAll(async () => {
  const seeded = await seedDemoData(db());
  apps = seeded.seeded ? seeded.applications : [];
});

describe("the allowlist field", () => {
  it("keeps addresses and ranges in canonical form", () => {
    expect(ipAllowlistSchema.parse([" 203.0.113.7 ", "10.1.2.3/8", "2001:DB8::/32", "::ffff:198.51.100.1", "192.0.2.9/32", ""])).toEqual([
      "203.0.113.7",
      "10.0.0.0/8",
      "2001:db8::/32",
      "198.51.100.1",
      "192.0.2.9",
    ]);
    expect(ipAllowlistSchema.parse([])).toEqual([]);
  });

  it("names what is wrong: a non-address, a duplicate, an overlap, too many", () => {
    expect(refusal(["10.0.0.300"])).toBe("“10.0.0.300” is not an IPv4 or IPv6 address or a CIDR range");
    expect(refusal(["example.com"])).toContain("“example.com” is not");
    expect(refusal(["10.0.0.0/33"])).toContain("“10.0.0.0/33” is not");
    expect(refusal(["203.0.113.7", "203.0.113.7/32"])).toBe("203.0.113.7 is listed twice");
    expect(refusal(["10.0.0.0/8", "10.1.0.0/16"])).toBe("10.1.0.0/16 is already inside 10.0.0.0/8: keep one of them");
    expect(refusal(["10.9.9.9", "10.0.0.0/8"])).toBe("10.9.9.9 is already inside 10.0.0.0/8: keep one of them");
    const many = Array.from({ length: 21 }, (_, i) => `192.0.2.${i}`);
    expect(refusal(many)).toBe("List at most 20 addresses or ranges (there are 21)");
    expect(ipAllowlistSchema.parse(many.slice(0, 20))).toHaveLength(20);
  });

  it("refuses hostile input with a message, never a throw", () => {
    expect(refusal(["10.0.0.1\u0000"])).toContain("is not an address");
    expect(refusal(["\u001b[31m10.0.0.1"])).toContain("is not an address");
    expect(refusal(["1".repeat(100_000)])).toContain("is not an address");
    expect(refusal("10.0.0.1")).toBe("Give the addresses as a list");
    expect(refusal([42])).toBe("Each entry must be an address or range");
    expect(refusal(Array.from({ length: 500 }, () => "10.0.0.1"))).toBe("List at most 20 addresses or ranges");
  });

  it("matches callers: inside a range, outside it, IPv6, IPv4-mapped, unknown", () => {
    expect(addressAllowed([], null)).toBe(true);
    expect(addressAllowed(["10.0.0.0/8"], "10.200.3.4")).toBe(true);
    expect(addressAllowed(["10.0.0.0/8"], "127.0.0.1")).toBe(false);
    expect(addressAllowed(["10.0.0.0/8"], "::ffff:10.1.1.1")).toBe(true);
    expect(addressAllowed(["2001:db8::/32"], "2001:db8:1::5")).toBe(true);
    expect(addressAllowed(["2001:db8::/32"], "10.0.0.1")).toBe(false);
    expect(addressAllowed(["127.0.0.1"], null)).toBe(false);
    expect(addressAllowed(["127.0.0.1"], "not an address")).toBe(false);
    expect(describeAllowlist(["10.0.0.0/8", "203.0.113.7", "2001:db8::/32"])).toBe("Only from 10.0.0.0/8, 203.0.113.7 and 2001:db8::/32");
    expect(describeAllowlist([])).toBe("From any address");
  });
});

describe("a key's allowlist", () => {
  it("is set in the wizard's request, stored canonical, and audited with the key", async () => {
    const created = await makeKey(NALEDI, { allowedIps: ["10.1.2.3/8", "203.0.113.7"] });
    expect((await keyRow(created.id)).allowedIps).toEqual(["10.0.0.0/8", "203.0.113.7"]);
    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, created.id), eq(auditEvents.action, "key.create")));
    expect(audit!.metadata).toMatchObject({ allowedIps: "10.0.0.0/8 203.0.113.7" });
    expect((await keyRow((await makeKey(NALEDI)).id)).allowedIps).toEqual([]);
  });

  it("refuses a bad list on its field and writes nothing", async () => {
    const actor = await actorFor(NALEDI);
    const before = await keyTablesSnapshot();
    const error = await createKey(
      db(),
      actor,
      { ...(await validKeyInput(actor, { allowedIps: ["10.0.0.0/8", "10.2.0.0/16"] })), pin: pinOf(NALEDI) },
      context,
    ).catch((e) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).fieldErrors).toEqual({ allowedIps: "10.2.0.0/16 is already inside 10.0.0.0/8: keep one of them" });
    expect(await keyTablesSnapshot()).toBe(before);
  });

  it("is changed with the PIN, audited with before and after; a wrong PIN, a bad list or another organisation's key changes nothing", async () => {
    const created = await makeKey(NALEDI);
    const actor = await actorFor(NALEDI);
    await expect(setKeyAllowlist(db(), actor, { keyId: created.id, allowedIps: ["10.0.0.0/8"], pin: "000000" }, context)).rejects.toMatchObject({
      code: "pin_invalid",
    });
    await expect(setKeyAllowlist(db(), actor, { keyId: created.id, allowedIps: ["nope"], pin: pinOf(NALEDI) }, context)).rejects.toMatchObject({
      fieldErrors: { allowedIps: "“nope” is not an IPv4 or IPv6 address or a CIDR range" },
    });
    expect((await keyRow(created.id)).allowedIps).toEqual([]);

    const nkosiKey = await makeKey("thabo@nkosi.example");
    await expect(setKeyAllowlist(db(), actor, { keyId: nkosiKey.id, allowedIps: ["10.0.0.0/8"], pin: pinOf(NALEDI) }, context)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await keyRow(nkosiKey.id)).allowedIps).toEqual([]);

    await setKeyAllowlist(db(), actor, { keyId: created.id, allowedIps: ["198.51.100.0/24"], pin: pinOf(NALEDI) }, context);
    expect((await keyRow(created.id)).allowedIps).toEqual(["198.51.100.0/24"]);
    const [audit] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, created.id), eq(auditEvents.action, "key.allowlist_change")));
    expect(audit).toMatchObject({ outcome: "success", actorUserId: actor.user.id, metadata: { before: "any address", after: "198.51.100.0/24" } });
  });
});

describe("the API enforces the allowlist", () => {
  it("refuses a call from outside the list with 403 ip_not_allowed naming the address, and feels a change on the next call", async () => {
    const created = await makeKey(NALEDI, { allowedIps: ["10.0.0.0/8"] });
    const outside = await call(listAccounts, { path: "/api/v1/accounts", key: created.key, headers: from("127.0.0.1") });
    expect(outside.status).toBe(403);
    expect(outside.json.error).toMatchObject({ code: "ip_not_allowed" });
    expect(outside.json.error.message).toContain("127.0.0.1");
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: created.key, headers: from("10.20.30.40") })).status).toBe(200);
    // Without an address the server resolved, a restricted key is refused.
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: created.key })).status).toBe(403);

    const actor = await actorFor(NALEDI);
    await setKeyAllowlist(db(), actor, { keyId: created.id, allowedIps: ["127.0.0.1"], pin: pinOf(NALEDI) }, context);
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: created.key, headers: from("127.0.0.1") })).status).toBe(200);
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: created.key, headers: from("10.20.30.40") })).status).toBe(403);

    await setKeyAllowlist(db(), actor, { keyId: created.id, allowedIps: [], pin: pinOf(NALEDI) }, context);
    expect((await call(listAccounts, { path: "/api/v1/accounts", key: created.key, headers: from("192.0.2.1") })).status).toBe(200);
  });

  it("applies at the token endpoint and to the tokens it issued", async () => {
    const created = await makeKey(NALEDI, { allowedIps: ["10.0.0.0/8"] });
    const [row] = await db()
      .select({ name: applications.name })
      .from(apiKeys)
      .innerJoin(applications, eq(applications.id, apiKeys.applicationId))
      .where(eq(apiKeys.id, created.id));
    const app = apps.find((a) => a.organisation.startsWith("Acme") && a.name === row!.name)!;
    const token = (address: string) =>
      issueToken(
        new Request("http://bank.test/api/oauth2/token", {
          method: "POST",
          headers: {
            authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString("base64")}`,
            "x-api-key": created.key,
            "content-type": "application/x-www-form-urlencoded",
            ...from(address),
          },
          body: "grant_type=client_credentials",
        }),
      );
    const refused = await token("127.0.0.1");
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatchObject({ code: "ip_not_allowed" });

    const issued = await token("10.0.0.7");
    expect(issued.status).toBe(200);
    const bearer = ((await issued.json()) as { access_token: string }).access_token;
    expect((await call(listAccounts, { path: "/api/v1/accounts", bearer, headers: from("10.0.0.8") })).status).toBe(200);
    const elsewhere = await call(listAccounts, { path: "/api/v1/accounts", bearer, headers: from("127.0.0.1") });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.json.error.code).toBe("ip_not_allowed");
  });
});
