import { eq } from "drizzle-orm";
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

const regenerate = async (keyId: string) =>
  regenerateKey(db(), await actorFor("naledi@acme.example"), { keyId, pin: pinOf("naledi@acme.example") }, context);

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
      expect([refused.status, refused.json.error.code, refused.json.error.message]).toEqual([401, "invalid_key", "The access token is invalid or has expired."]);
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
});
