import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { AccessError } from "@/lib/auth/errors";
import { getApplicationView } from "@/lib/credentials/get-application";
import { listApplicationSummaries } from "@/lib/credentials/list-applications";
import { apiKeys, applications, organisations } from "@/lib/db/schema";
import { ORG_NAMES } from "@/lib/demo/people";
import { seedDemoData } from "@/lib/demo/seed";
import { deleteKey } from "@/lib/keys/delete-key";
import { NotFoundError } from "@/lib/errors";
import { actorFor, context, db } from "@/lib/test/helpers";
import { makeKey, memberWithPermissions, pinOf } from "@/lib/test/keys";

async function orgId(name: string) {
  return (await db().select({ id: organisations.id }).from(organisations).where(eq(organisations.name, name)))[0]!.id;
}
async function appId(org: string, name: string) {
  return (
    await db()
      .select({ id: applications.id })
      .from(applications)
      .where(and(eq(applications.orgId, await orgId(org)), eq(applications.name, name)))
  )[0]!.id;
}

let erp: string;
let treasury: string;

beforeAll(async () => {
  await seedDemoData(db());
  erp = await appId(ORG_NAMES.acme, "ERP integration");
  treasury = await appId(ORG_NAMES.acme, "Treasury bot");
});

describe("one application's view: its credentials beside its keys", () => {
  it("shows the Superadmin the client ID, the secret's state and exactly this application's live keys", async () => {
    const naledi = await actorFor("naledi@acme.example");
    const gone = await makeKey("naledi@acme.example", { applicationId: erp, alias: "Gone soon" });
    await deleteKey(db(), naledi, { keyId: gone.id, confirmAlias: "Gone soon", pin: pinOf("naledi@acme.example") }, context);
    const view = await getApplicationView(db(), naledi, erp);
    const [app] = await db().select().from(applications).where(eq(applications.id, erp));
    expect(view.application.name).toBe("ERP integration");
    expect(view.credentials).toEqual({
      clientId: app!.clientId,
      secretIssued: true,
      clientSecretLast4: app!.clientSecretLast4,
      secretRotatedAt: app!.secretRotatedAt,
    });
    expect(JSON.stringify(view)).not.toContain(app!.clientSecretHash);
    const expected = await db()
      .select({ alias: apiKeys.alias, prefix: apiKeys.prefix, revokedAt: apiKeys.revokedAt })
      .from(apiKeys)
      .where(eq(apiKeys.applicationId, erp));
    const live = expected.filter((k) => !k.revokedAt);
    expect(live.length).toBeGreaterThan(0);
    expect(view.keys!.map((k) => `${k.alias} ${k.prefix}`).sort()).toEqual(live.map((k) => `${k.alias} ${k.prefix}`).sort());
    expect(view.keys!.some((k) => k.alias === "Gone soon")).toBe(false);
    // The other application's keys are not here.
    const treasuryKeys = await db().select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.applicationId, treasury));
    expect(view.keys!.some((k) => treasuryKeys.some((t) => t.id === k.id))).toBe(false);
    expect(view.applications.map((a) => a.name)).toEqual(["ERP integration", "Treasury bot"]);
  });

  it("a Viewer (keys:view, no credentials:view) sees the keys and no client ID", async () => {
    const aisha = await actorFor("aisha@acme.example");
    const view = await getApplicationView(db(), aisha, erp);
    expect(view.credentials).toBeNull();
    expect(view.keys!.length).toBeGreaterThan(0);
    const [app] = await db().select().from(applications).where(eq(applications.id, erp));
    expect(JSON.stringify(view)).not.toContain(app!.clientId);
    const list = await listApplicationSummaries(db(), aisha);
    expect(list.map((a) => [a.name, a.credentials])).toEqual([
      ["ERP integration", null],
      ["Treasury bot", null],
    ]);
    expect(list[0]!.keyCount).toBe(view.keys!.length);
  });

  it("credentials:view without keys:view sees the credentials and no keys; holding neither is refused", async () => {
    const acme = await orgId(ORG_NAMES.acme);
    const holder = await memberWithPermissions(acme, ["credentials:view"], "Credentials only");
    const view = await getApplicationView(db(), holder, erp);
    expect(view.credentials?.clientId).toMatch(/^lkci_/);
    expect(view.keys).toBeNull();
    expect((await listApplicationSummaries(db(), holder)).every((a) => a.keyCount === null && a.credentials !== null)).toBe(true);
    const auditor = await memberWithPermissions(acme, ["audit:view"], "Audit only");
    await expect(getApplicationView(db(), auditor, erp)).rejects.toBeInstanceOf(AccessError);
    await expect(listApplicationSummaries(db(), auditor)).rejects.toBeInstanceOf(AccessError);
  });

  it("another organisation's application, and anything that is not an application id, is not found", async () => {
    const thabo = await actorFor("thabo@nkosi.example");
    await expect(getApplicationView(db(), thabo, erp)).rejects.toBeInstanceOf(NotFoundError);
    for (const hostile of ["not-a-uuid", "\u0000", "x".repeat(100_000), 42, null, { id: erp }, [erp], `${erp}'--`, erp.toUpperCase() + " "]) {
      await expect(getApplicationView(db(), thabo, hostile)).rejects.toBeInstanceOf(NotFoundError);
    }
    const own = await getApplicationView(db(), thabo, await appId(ORG_NAMES.nkosi, "Individual connection"));
    expect(own.applications.map((a) => a.name)).toEqual(["Individual connection"]);
    expect(JSON.stringify(own)).not.toContain("ERP integration");
  });
});
