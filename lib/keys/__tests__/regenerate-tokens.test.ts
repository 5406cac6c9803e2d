import { eq } from "drizzle-orm";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { listAccounts } from "@/lib/api/accounts";
import { issueToken } from "@/lib/api/oauth";
import { accessTokens, applications } from "@/lib/db/schema";
import { seedDemoData, type SeededApplication } from "@/lib/demo/seed";
import { regenerateKey } from "@/lib/keys/regenerate-key";
import { call } from "@/lib/test/api";
import { actorFor, context, db } from "@/lib/test/helpers";
import { keyRow, makeKey, pinOf } from "@/lib/test/keys";

let apps: SeededApplication[];

/** POST /api/oauth2/token with the key's application's client credentials. */
async function token(key: string, applicationId: string) {
  const [row] = await db().select({ clientId: applications.clientId }).from(applications).where(eq(applications.id, applicationId));
  const app = apps.find((a) => a.clientId === row!.clientId)!;
  const response = await issueToken(
    new Request("http://bank.test/api/oauth2/token", {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString("base64")}`,
        "x-api-key": key,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    }),
  );
  return { status: response.status, json: await response.json() };
}

const accountsWith = (credential: { bearer?: string; key?: string }) => call(listAccounts, { path: "/api/v1/accounts", ...credential });

const regenerate = async (keyId: string) => regenerateKey(db(), await actorFor("naledi@acme.example"), { keyId, pin: pinOf("naledi@acme.example") }, context);

beforeAll(async () => {
  const seeded = await seedDemoData(db());
  apps = seeded.seeded ? seeded.applications : [];
});

describe("regenerating a key ends the access tokens issued for its old secret", () => {
  it("refuses every bearer token of the old secret, and the old secret at the token endpoint; the new secret gets tokens that work", async () => {
    const created = await makeKey("naledi@acme.example", { permissions: ["accounts:view"] });
    const { applicationId } = await keyRow(created.id);
    const bystander = await makeKey("naledi@acme.example", { permissions: ["accounts:view"] });
    const first = (await token(created.key, applicationId)).json.access_token as string;
    const second = (await token(created.key, applicationId)).json.access_token as string;
    const untouched = (await token(bystander.key, applicationId)).json.access_token as string;
    for (const bearer of [first, second, untouched]) expect((await accountsWith({ bearer })).status).toBe(200);

    const { key: fresh } = await regenerate(created.id);

    for (const bearer of [first, second]) {
      const refused = await accountsWith({ bearer });
      expect([refused.status, refused.json.error.code, refused.json.error.message]).toEqual([
        401,
        "invalid_key",
        "The access token is invalid or has expired.",
      ]);
    }
    expect(await db().$count(accessTokens, eq(accessTokens.keyId, created.id))).toBe(0);
    const oldSecret = await token(created.key, applicationId);
    expect([oldSecret.status, oldSecret.json.error]).toEqual([401, "invalid_client"]);
    // Another key's token lives on.
    expect((await accountsWith({ bearer: untouched })).status).toBe(200);

    const renewed = await token(fresh, applicationId);
    expect(renewed.status).toBe(200);
    expect((await accountsWith({ bearer: renewed.json.access_token })).status).toBe(200);
    expect((await accountsWith({ key: fresh })).status).toBe(200);
  });

  it("a token asked for with the old secret while the key is being regenerated does not outlive the regeneration", async () => {
    const created = await makeKey("naledi@acme.example", { permissions: ["accounts:view"] });
    const { applicationId } = await keyRow(created.id);
    const url = (globalThis.__latchkeyDatabase as { url?: string } | undefined)?.url;
    let issuing: ReturnType<typeof token>;
    let regenerating: ReturnType<typeof regenerate>;
    if (url) {
      // On PostgreSQL, the worst order, made certain: the token request has checked the old secret and
      // is about to store its token (held up by a lock on the tokens table) when the regeneration runs.
      const blocker = new pg.Client({ connectionString: url });
      const observer = new pg.Client({ connectionString: url });
      await Promise.all([blocker.connect(), observer.connect()]);
      const waiting = async () =>
        Number((await observer.query("select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'")).rows[0].count);
      const until = async (condition: () => Promise<boolean>) => {
        for (let i = 0; i < 200 && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      };
      try {
        await blocker.query("begin");
        await blocker.query("lock table access_tokens in share mode");
        issuing = token(created.key, applicationId);
        await until(async () => (await waiting()) >= 1);
        let regenerated = false;
        regenerating = regenerate(created.id).finally(() => (regenerated = true));
        // The regeneration gets as far as it can: to the tokens table, or to the key the token request holds.
        await until(async () => regenerated || (await waiting()) >= 2);
        await blocker.query("commit");
      } finally {
        await Promise.all([blocker.end(), observer.end()]);
      }
    } else {
      // The embedded database runs one transaction at a time: the two only race for its turn.
      issuing = token(created.key, applicationId);
      regenerating = regenerate(created.id);
    }
    const [issued, { key: fresh }] = await Promise.all([issuing, regenerating]);
    expect([200, 401]).toContain(issued.status);
    if (issued.status === 200) {
      const refused = await accountsWith({ bearer: issued.json.access_token });
      expect([refused.status, refused.json.error.code]).toEqual([401, "invalid_key"]);
    }
    expect(await db().$count(accessTokens, eq(accessTokens.keyId, created.id))).toBe(0);
    expect((await accountsWith({ key: fresh })).status).toBe(200);
  });
});
